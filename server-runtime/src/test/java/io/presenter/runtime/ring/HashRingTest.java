package io.presenter.runtime.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class HashRingTest {

  private static final List<String> KEYS =
      IntStream.range(0, 10_000).mapToObj(i -> "couple-" + i).toList();

  private static List<Member> members(String... ids) {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      members.add(new Member(ids[i], "host-" + i, 7100 + i, 0, 7180 + i));
    }
    return members;
  }

  private static List<String> owners(HashRing ring) {
    return KEYS.stream().map(k -> ring.ownerOf(k).id()).toList();
  }

  @Test
  void emptyRingOwnsNothing() {
    HashRing ring = HashRing.empty();
    assertThat(ring.ownerOf("couple-1")).isNull();
    assertThat(ring.version()).isZero();
    assertThat(ring.isEmpty()).isTrue();
    assertThat(ring.size()).isZero();
    assertThat(ring.members()).isEmpty();
    assertThat(HashRing.of(7, List.of()).ownerOf("couple-1")).isNull();
  }

  @Test
  void sameIdsInAnyOrderGiveTheSameOwners() {
    List<Member> members = members("chat-a", "chat-b", "chat-c", "chat-d", "chat-e");
    List<String> expected = owners(HashRing.of(1, members));
    Random random = new Random(7);
    for (int i = 0; i < 5; i++) {
      List<Member> shuffled = new ArrayList<>(members);
      Collections.shuffle(shuffled, random);
      assertThat(owners(HashRing.of(1, shuffled))).isEqualTo(expected);
    }
  }

  @Test
  void layoutDependsOnlyOnIds() {
    List<Member> moved = List.of(
        new Member("chat-a", "elsewhere", 1, 2, 3),
        new Member("chat-b", "10.1.1.1", 9000, 0, 0),
        new Member("chat-c", "::1", 1234, 5678, 0));
    assertThat(owners(HashRing.of(99, moved)))
        .isEqualTo(owners(HashRing.of(1, members("chat-a", "chat-b", "chat-c"))));
  }

  @Test
  void ownerIsStableAndEveryMemberOwnsSome() {
    HashRing ring = HashRing.of(3, members("chat-a", "chat-b", "chat-c"));
    assertThat(owners(ring)).isEqualTo(owners(ring));
    assertThat(Set.copyOf(owners(ring))).containsExactlyInAnyOrder("chat-a", "chat-b", "chat-c");
    assertThat(ring.ownerOf("couple-42")).isSameAs(ring.ownerOf("couple-42"));
  }

  /** The layout is a contract between gateways and chat servers: these must never change. */
  @Test
  void layoutIsPinned() {
    HashRing ring = HashRing.of(1, members("chat-a", "chat-b", "chat-c"));
    assertThat(IntStream.range(0, 12).mapToObj(i -> ring.ownerOf("couple-" + i).id()).toList())
        .containsExactly(PINNED_OWNERS);
  }

  private static final String[] PINNED_OWNERS = {"chat-b", "chat-b", "chat-c", "chat-b", "chat-b",
      "chat-b", "chat-b", "chat-b", "chat-a", "chat-a", "chat-b", "chat-a"};

  /** The documented layout, implemented the slow obvious way, agrees with the binary search. */
  @Test
  void matchesTheDocumentedLayout() {
    List<Member> members = members("chat-a", "chat-b", "chat-c", "chat-d");
    HashRing ring = HashRing.of(1, members);
    for (String key : KEYS.subList(0, 2_000)) {
      long h = HashRing.hash(key);
      String owner = null;
      long ownerPoint = 0;
      String lowest = null;
      long lowestPoint = 0;
      for (Member m : members) {
        for (int v = 0; v < HashRing.VIRTUAL_NODES; v++) {
          long p = HashRing.hash(m.id() + "#" + v);
          if (p >= h && (owner == null || p < ownerPoint)) {
            owner = m.id();
            ownerPoint = p;
          }
          if (lowest == null || p < lowestPoint) {
            lowest = m.id();
            lowestPoint = p;
          }
        }
      }
      assertThat(ring.ownerOf(key).id()).as(key).isEqualTo(owner != null ? owner : lowest);
    }
  }

  @Test
  void oneMemberOwnsEverything() {
    HashRing ring = HashRing.of(1, members("solo"));
    assertThat(Set.copyOf(owners(ring))).containsExactly("solo");
  }

  @Test
  void exposesMembersSortedById() {
    HashRing ring = HashRing.of(5, members("m-3", "m-1", "m-2"));
    assertThat(ring.members()).extracting(Member::id).containsExactly("m-1", "m-2", "m-3");
    assertThat(ring.member("m-2").host()).isEqualTo("host-2");
    assertThat(ring.member("nope")).isNull();
    assertThat(ring.size()).isEqualTo(3);
    assertThat(ring.isEmpty()).isFalse();
    assertThat(ring.version()).isEqualTo(5);
    assertThatThrownBy(() -> ring.members().add(ring.member("m-1")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsDuplicateIdsAndNegativeVersions() {
    assertThatThrownBy(() -> HashRing.of(1, List.of(
        new Member("a", "h1", 1, 0, 0), new Member("a", "h2", 2, 0, 0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate member id: a");
    assertThatThrownBy(() -> HashRing.of(-1, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sharesAddUpToTheWholeRing() {
    double[] shares = HashRing.of(1, members("a", "b", "c", "d")).shares();
    assertThat(shares).hasSize(4);
    assertThat(shares[0] + shares[1] + shares[2] + shares[3]).isCloseTo(1.0, Offset.offset(1e-9));
    assertThat(HashRing.of(1, members("solo")).shares()[0]).isCloseTo(1.0, Offset.offset(1e-9));
  }
}
