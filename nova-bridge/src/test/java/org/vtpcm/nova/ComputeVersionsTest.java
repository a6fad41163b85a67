package org.vtpcm.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ComputeVersionsTest {
    private static final URI DOCUMENT = URI.create("http://10.200.0.1:8774/v2.1/");

    @Test
    void zedIsSpokenToAt293() {
        assertEquals(new ComputeApiVersion(2, 93), ComputeVersions.choose(DOCUMENT, "2.93", "2.1"));
    }

    @Test
    void newerNovaIsSpokenToAtOurMaximum() {
        assertEquals(ComputeApiVersion.WANTED, ComputeVersions.choose(DOCUMENT, "2.100", "2.1"));
    }

    @Test
    void olderNovaAboveTheMinimumIsSpokenToAtItsMaximum() {
        assertEquals(new ComputeApiVersion(2, 30), ComputeVersions.choose(DOCUMENT, "2.30", "2.1"));
    }

    @Test
    void tooOldNovaIsRefusedWithAClearMessage() {
        NovaTooOldException error = assertThrows(NovaTooOldException.class, () -> ComputeVersions.choose(DOCUMENT, "2.29", "2.1"));

        assertEquals("Nova at http://10.200.0.1:8774/v2.1/ supports compute API up to 2.29; vtpcm needs 2.30", error.getMessage());
    }

    @Test
    void novaRequiringANewerMinimumIsRefused() {
        NovaException error = assertThrows(NovaException.class, () -> ComputeVersions.choose(DOCUMENT, "3.5", "3.0"));

        assertTrue(error.getMessage().contains("requires compute API 3.0"), error.getMessage());
    }

    @Test
    void versionDocumentIsFoundFromEitherCatalogForm() {
        assertEquals(DOCUMENT, ComputeVersions.versionDocument(URI.create("http://10.200.0.1:8774/v2.1")));
        assertEquals(DOCUMENT, ComputeVersions.versionDocument(URI.create("http://10.200.0.1:8774/v2.1/a6944d763bf64ee6a275f1263fae0352")));
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(ComputeApiVersion.parse("2.30").compareTo(ComputeApiVersion.parse("2.9")) > 0);
        assertEquals("compute 2.93", ComputeApiVersion.parse(" 2.93 ").header());
        assertThrows(IllegalArgumentException.class, () -> ComputeApiVersion.parse("latest"));
    }
}
