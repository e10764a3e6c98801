package io.tandem.model.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingTableTest {

  @Test
  void shouldShareTheDefaultRowUntilTheAdmissionThreshold() {
    // Given a table admitting ids on their third sighting
    EmbeddingTable table = new EmbeddingTable("user", 4, 1, 3, 0.1, 7);

    // When "alice" is seen twice, then a third time
    EmbeddingRow first = table.touch("alice", 1);
    EmbeddingRow second = table.touch("alice", 2);
    assertThat(table.rows()).isZero();
    assertThat(table.pending()).isEqualTo(1);
    EmbeddingRow third = table.touch("alice", 3);

    // Then the first two sightings trained the default row, the third her own row
    assertThat(first).isSameAs(second).isSameAs(table.lookup("nobody"));
    assertThat(first.id()).isEmpty();
    assertThat(third.id()).isEqualTo("alice");
    assertThat(table.lookup("alice")).isSameAs(third);
    assertThat(table.rows()).isEqualTo(1);
    assertThat(table.pending()).isZero();
    assertThat(table.admissions()).isEqualTo(1);
  }

  @Test
  void initialValuesShouldDependOnSeedTableAndIdOnlyNotOnArrivalOrder() {
    EmbeddingTable a = new EmbeddingTable("item", 8, 1, 1, 0.1, 42);
    EmbeddingTable b = new EmbeddingTable("item", 8, 1, 1, 0.1, 42);
    a.touch("x", 1);
    a.touch("y", 2);
    b.touch("y", 1);
    b.touch("x", 2);
    assertThat(a.lookup("x").values()).containsExactly(b.lookup("x").values());
    assertThat(a.lookup("x").values()).isNotEqualTo(a.lookup("y").values());
  }

  @Test
  void shouldEvictEntriesNotTouchedWithinTheSpanAndReportThem() {
    // Given rows touched at events 1 and 10
    EmbeddingTable table = new EmbeddingTable("user", 2, 1, 1, 0.1, 7);
    table.touch("old", 1);
    table.touch("new", 10);
    table.drainDirty();

    // When expiring at event 11 with a span of 5 events
    int evicted = table.expire(11, 5);

    // Then only "old" (10 events idle) goes, counted and reported with a null value
    assertThat(evicted).isEqualTo(1);
    assertThat(table.evictions()).isEqualTo(1);
    assertThat(table.rows()).isEqualTo(1);
    assertThat(table.lookup("old").id()).isEmpty();
    Map<String, byte[]> drained = table.drainDirty();
    assertThat(drained).containsOnlyKeys("old");
    assertThat(drained.get("old")).isNull();
  }

  @Test
  void drainShouldReturnTouchedEntriesOnceAndRoundTripThroughImport() {
    // Given a table with one admitted row and one pending id
    EmbeddingTable table = new EmbeddingTable("item", 3, 2, 2, 0.1, 7);
    table.touch("a", 1);
    table.touch("a", 2);
    table.touch("b", 3);

    // When drained twice
    Map<String, byte[]> first = table.drainDirty();
    Map<String, byte[]> second = table.drainDirty();

    // Then the first drain has both ids and the default row; the second nothing
    assertThat(first).containsOnlyKeys("a", "b", "");
    assertThat(second).isEmpty();

    // And importing the forms into a fresh table reproduces rows, pending ids and sightings
    EmbeddingTable copy = new EmbeddingTable("item", 3, 2, 2, 0.1, 99);
    first.forEach(copy::importRow);
    assertThat(copy.lookup("a").values()).containsExactly(table.lookup("a").values());
    assertThat(copy.rows()).isEqualTo(1);
    assertThat(copy.pending()).isEqualTo(1);
    assertThat(copy.lookup("").values()).containsExactly(table.lookup("").values());
    assertThat(copy.touch("b", 4).id()).as("b's second sighting admits it").isEqualTo("b");
  }

  @Test
  void shouldRejectRowsOfAnotherShapeOrANewerFormat() {
    EmbeddingTable table = new EmbeddingTable("user", 3, 1, 1, 0.1, 7);
    table.touch("a", 1);
    byte[] form = table.drainDirty().get("a");
    EmbeddingTable wider = new EmbeddingTable("user", 4, 1, 1, 0.1, 7);
    assertThatThrownBy(() -> wider.importRow("a", form))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 3 values")
        .hasMessageContaining("expects 4");
    byte[] newer = form.clone();
    newer[0] = (byte) (EmbeddingRow.FORMAT_VERSION + 1);
    assertThatThrownBy(() -> table.importRow("a", newer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supports at most version " + EmbeddingRow.FORMAT_VERSION);
  }
}
