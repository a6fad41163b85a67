package org.vtpcm.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAlignTwoSpacesApartWithoutTrailingBlanks() {
        String table = new Table("NAME", "STATE", "NOTE").row("n1", "TRUSTED", null).row("node-long", "UNKNOWN", "x").render();
        assertEquals("""
                NAME       STATE    NOTE
                n1         TRUSTED  -
                node-long  UNKNOWN  x
                """, table);
    }

    @Test
    void anEmptyTableIsItsHeader() {
        assertEquals("ID  VM\n", new Table("ID", "VM").render());
    }

    @Test
    void aRowOfTheWrongWidthIsABug() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }
}
