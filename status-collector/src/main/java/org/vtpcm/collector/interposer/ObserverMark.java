package org.vtpcm.collector.interposer;

import java.util.ArrayList;
import java.util.List;
import org.vtpcm.collector.swtpm.ControlStreamObserver;

/**
 * Where a connection's observer stood after the last bytes it was fed; comparing two marks says which
 * events those bytes caused.
 */
record ObserverMark(long blobsFetched, long blobsLoaded, boolean inSync) {
    /** A fresh observer's mark. */
    static final ObserverMark START = new ObserverMark(0, 0, true);

    static ObserverMark of(ControlStreamObserver observer) {
        return new ObserverMark(observer.blobsFetched(), observer.blobsLoaded(), observer.inSync());
    }

    /** The events between {@code earlier} and this mark, in the order they are pushed. */
    List<ChannelEvent.Kind> eventsSince(ObserverMark earlier) {
        List<ChannelEvent.Kind> events = new ArrayList<>(1);
        if (blobsFetched != earlier.blobsFetched) {
            events.add(ChannelEvent.Kind.STATE_FETCHED);
        }
        if (blobsLoaded != earlier.blobsLoaded) {
            events.add(ChannelEvent.Kind.STATE_LOADED);
        }
        if (earlier.inSync && !inSync) {
            events.add(ChannelEvent.Kind.DESYNC);
        }
        return events;
    }
}
