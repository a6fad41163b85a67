package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObserverMarkTest {
    @Test
    void eachChangeIsOneEventInPushOrder() {
        ObserverMark start = ObserverMark.START;
        assertEquals(List.of(), start.eventsSince(start));
        assertEquals(List.of(ChannelEvent.Kind.STATE_FETCHED), new ObserverMark(1, 0, true).eventsSince(start));
        assertEquals(List.of(ChannelEvent.Kind.STATE_LOADED), new ObserverMark(1, 1, true).eventsSince(new ObserverMark(1, 0, true)));
        assertEquals(List.of(ChannelEvent.Kind.STATE_FETCHED, ChannelEvent.Kind.DESYNC), new ObserverMark(2, 0, false)
                .eventsSince(new ObserverMark(1, 0, true)));
    }

    @Test
    void desyncIsReportedOnce() {
        assertEquals(List.of(), new ObserverMark(0, 0, false).eventsSince(new ObserverMark(0, 0, false)));
    }
}
