package io.presenter.runtime.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How couples spread over the ring and how few move when membership changes. Pure computation:
 * seeded random couple ids, fixed member ids, no ZooKeeper.
 */
class HashRingDistributionTest {

  private static final int COUPLES = 100_000;
  /** The bound stated in {@link HashRing}'s javadoc: the largest share is at most 1.25 x the mean. */
  private static final double MAX_SHARE_OVER_MEAN = 1.25;

  private static final List<String> COUPLE_IDS = coupleIds();

  private static List<String> coupleIds() {
    Random random = new Random(20_240_601);
    return IntStream.range(0, COUPLES)
        .mapToObj(i -> new UUID(random.nextLong(), random.nextLong()).toString())
        .toList();
  }

  private static List<Member> members(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new Member("chat-" + i, "10.0.0." + i, 7100, 0, 0))
        .toList();
  }

  private static String[] owners(HashRing ring) {
    return COUPLE_IDS.stream().map(c -> ring.ownerOf(c).id()).toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0} members")
  @ValueSource(ints = {3, 5, 10})
  void joiningMemberTakesItsFairShareAndOnlyThat(int n) {
    List<Member> before = members(n);
    List<Member> after = new ArrayList<>(before);
    Member joiner = new Member("chat-" + n, "10.0.1.1", 7100, 0, 0);
    after.add(joiner);

    String[] ownersBefore = owners(HashRing.of(1, before));
    String[] ownersAfter = owners(HashRing.of(2, after));
    int moved = 0;
    for (int i = 0; i < COUPLES; i++) {
      if (!ownersBefore[i].equals(ownersAfter[i])) {
        assertThat(ownersAfter[i]).as("a moved couple goes to the new member").isEqualTo(joiner.id());
        moved++;
      }
    }
    double fair = 1.0 / (n + 1);
    assertThat((double) moved / COUPLES).isBetween(0.8 * fair, 1.2 * fair);
  }

  @ParameterizedTest(name = "{0} members")
  @ValueSource(ints = {3, 5, 10})
  void leavingMemberHandsOverOnlyItsOwnCouples(int n) {
    List<Member> before = members(n);
    Member leaver = before.get(1); // a middle member: jump hash would reshuffle here
    List<Member> after = new ArrayList<>(before);
    after.remove(leaver);

    String[] ownersBefore = owners(HashRing.of(1, before));
    String[] ownersAfter = owners(HashRing.of(2, after));
    int moved = 0;
    for (int i = 0; i < COUPLES; i++) {
      if (ownersBefore[i].equals(leaver.id())) {
        moved++;
      } else {
        assertThat(ownersAfter[i]).as("a couple of a staying member stays").isEqualTo(ownersBefore[i]);
      }
      assertThat(ownersAfter[i]).isNotEqualTo(leaver.id());
    }
    assertThat(moved).isPositive();
  }

  @ParameterizedTest(name = "{0} members")
  @ValueSource(ints = {3, 5, 10})
  void largestShareOfCouplesIsBounded(int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (String owner : owners(HashRing.of(1, members(n)))) {
      counts.merge(owner, 1, Integer::sum);
    }
    assertThat(counts).hasSize(n);
    double mean = (double) COUPLES / n;
    int largest = counts.values().stream().max(Integer::compare).orElseThrow();
    assertThat(largest / mean).isLessThanOrEqualTo(MAX_SHARE_OVER_MEAN);
  }

  /**
   * The bound must hold for whatever ids operators choose, not just for "chat-0..": exact arc
   * shares (no key sampling) over 300 random id sets per size.
   */
  @ParameterizedTest(name = "{0} members")
  @ValueSource(ints = {3, 5, 10})
  void largestArcShareIsBoundedForRandomIds(int n) {
    Random random = new Random(n);
    double worst = 0;
    for (int set = 0; set < 300; set++) {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        members.add(new Member("srv-" + new UUID(random.nextLong(), random.nextLong()), "h", 1, 0, 0));
      }
      double largest = Arrays.stream(HashRing.of(1, members).shares()).max().orElseThrow();
      worst = Math.max(worst, largest * n);
    }
    assertThat(worst).isLessThanOrEqualTo(MAX_SHARE_OVER_MEAN);
  }
}
