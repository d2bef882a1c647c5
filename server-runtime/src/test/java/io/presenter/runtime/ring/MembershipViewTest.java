package io.presenter.runtime.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Views and registrations against a real in-process ZooKeeper. */
class MembershipViewTest {

  @RegisterExtension
  static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String path;

  @BeforeEach
  void uniquePath(TestInfo test) {
    path = "/presenter/" + test.getTestMethod().orElseThrow().getName() + "/chat-servers";
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private MembershipView startView(CuratorFramework client) throws InterruptedException {
    MembershipView view = new MembershipView(client, path);
    closeables.add(view);
    view.start();
    assertThat(view.awaitInitialized(TIMEOUT)).isTrue();
    return view;
  }

  private MemberRegistration register(CuratorFramework client, String id) throws InterruptedException {
    MemberRegistration registration =
        new MemberRegistration(client, path, new Member(id, "127.0.0.1", 7100, 7443, 7180));
    closeables.add(registration);
    registration.start();
    assertThat(registration.awaitRegistered(TIMEOUT)).isTrue();
    return registration;
  }

  private static List<String> ids(MembershipView view) {
    return view.ring().members().stream().map(Member::id).toList();
  }

  private static List<String> owners(HashRing ring) {
    return IntStream.range(0, 1_000).mapToObj(i -> ring.ownerOf("couple-" + i).id()).toList();
  }

  @Test
  void twoViewsSeeJoinsAndLeavesAndAgree() throws Exception {
    MembershipView first = startView(zk.newClient());
    MembershipView second = startView(zk.newClient());
    assertThat(first.ring().isEmpty()).isTrue();

    register(zk.newClient(), "chat-a");
    register(zk.newClient(), "chat-b");
    MemberRegistration c = register(zk.newClient(), "chat-c");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(ids(first)).containsExactly("chat-a", "chat-b", "chat-c");
      assertThat(second.ring().version()).isEqualTo(first.ring().version());
    });
    HashRing ring = second.ring();
    assertThat(ring.members()).isEqualTo(first.ring().members());
    assertThat(ring.member("chat-b")).isEqualTo(new Member("chat-b", "127.0.0.1", 7100, 7443, 7180));
    assertThat(owners(ring)).isEqualTo(owners(first.ring()));
    long threeMembers = ring.version();

    c.close();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(ids(first)).containsExactly("chat-a", "chat-b");
      assertThat(ids(second)).containsExactly("chat-a", "chat-b");
      assertThat(second.ring().version()).isEqualTo(first.ring().version()).isGreaterThan(threeMembers);
    });
    assertThat(owners(second.ring())).isEqualTo(owners(first.ring()));
  }

  @Test
  void closingARegistrationDeletesItsNodeAtOnce() throws Exception {
    CuratorFramework client = zk.newClient();
    MembershipView view = startView(zk.newClient());
    MemberRegistration registration = register(client, "chat-a");
    assertThat(client.checkExists().forPath(registration.nodePath())).isNotNull();
    await().atMost(TIMEOUT).until(() -> ids(view).contains("chat-a"));

    registration.close();
    // Gone when close() returns, not after the session timeout: the client is still connected.
    assertThat(client.checkExists().forPath(registration.nodePath())).isNull();
    assertThat(client.getZookeeperClient().isConnected()).isTrue();
    await().atMost(TIMEOUT).until(() -> view.ring().isEmpty());
    registration.close(); // idempotent
  }

  @Test
  void memberOfAnExpiredSessionLeavesTheView() throws Exception {
    MembershipView view = startView(zk.newClient());
    // A crashed chat server: a plain ephemeral node that nobody re-creates.
    CuratorFramework crashed = zk.newClient();
    crashed.create().withMode(CreateMode.EPHEMERAL)
        .forPath(path + "/chat-x", new Member("chat-x", "h", 1, 0, 0).toJson());
    register(zk.newClient(), "chat-a");
    await().atMost(TIMEOUT).until(() -> ids(view).equals(List.of("chat-a", "chat-x")));

    zk.expireSession(crashed);
    await().atMost(TIMEOUT).until(() -> ids(view).equals(List.of("chat-a")));
  }

  @Test
  void registrationComesBackAfterItsSessionExpired() throws Exception {
    MembershipView view = startView(zk.newClient());
    CuratorFramework client = zk.newClient();
    MemberRegistration registration = register(client, "chat-a");
    await().atMost(TIMEOUT).until(() -> ids(view).contains("chat-a"));
    long before = view.ring().version();

    zk.expireSession(client);
    // Deleted with the old session and re-created with the new one: two child changes.
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(view.ring().version()).isGreaterThanOrEqualTo(before + 2);
      assertThat(ids(view)).containsExactly("chat-a");
    });
    assertThat(client.checkExists().forPath(registration.nodePath()).getEphemeralOwner())
        .isEqualTo(client.getZookeeperClient().getZooKeeper().getSessionId());
  }

  @Test
  void unreadableMembersAreSkippedAndLoggedOnce() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(MembershipView.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    closeables.add(() -> logger.detachAppender(logged));

    CuratorFramework client = zk.newClient();
    MembershipView view = startView(client);
    client.create().forPath(path + "/garbage", "not json".getBytes(UTF_8));
    client.create().forPath(path + "/impostor", new Member("someone-else", "h", 1, 0, 0).toJson());
    register(zk.newClient(), "chat-a");
    await().atMost(TIMEOUT).until(() -> ids(view).equals(List.of("chat-a")));

    // More reads: joins and leaves re-list and re-read every child.
    register(zk.newClient(), "chat-b");
    MemberRegistration c = register(zk.newClient(), "chat-c");
    await().atMost(TIMEOUT).until(() -> ids(view).size() == 3);
    c.close();
    await().atMost(TIMEOUT).until(() -> ids(view).equals(List.of("chat-a", "chat-b")));

    List<String> warnings = logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
    assertThat(warnings).filteredOn(m -> m.contains("/garbage")).hasSize(1);
    assertThat(warnings).filteredOn(m -> m.contains("/impostor")).hasSize(1)
        .allMatch(m -> m.contains("differs from the node name"));

    // Fixing the data brings the member in (a data watch, no membership change).
    client.setData().forPath(path + "/garbage", new Member("garbage", "h", 1, 0, 0).toJson());
    await().atMost(TIMEOUT).until(() -> ids(view).equals(List.of("chat-a", "chat-b", "garbage")));
  }

  @Test
  void everyNewRingIsLoggedAtInfoWithWhoJoinedAndLeft() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(MembershipView.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    Level previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    closeables.add(() -> {
      logger.detachAppender(logged);
      logger.setLevel(previous);
    });

    MembershipView view = startView(zk.newClient());
    MemberRegistration a = register(zk.newClient(), "chat-a");
    await().atMost(TIMEOUT).until(() -> ids(view).equals(List.of("chat-a")));
    long joinedAt = view.ring().version();
    a.close();
    await().atMost(TIMEOUT).until(() -> view.ring().isEmpty());

    List<String> info = logged.list.stream()
        .filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
    assertThat(info).contains(
        "ring " + path + " version " + joinedAt + ": 1 members, joined [chat-a@127.0.0.1:7100]",
        "ring " + path + " version " + view.ring().version() + ": 0 members, left [chat-a]");
  }

  @Test
  void awaitVersionCompletesWhenTheRingCatchesUp() throws Exception {
    MembershipView view = startView(zk.newClient());
    long start = view.ring().version();
    assertThat(view.awaitVersion(start)).isCompletedWithValue(view.ring());

    CompletableFuture<HashRing> twoMore = view.awaitVersion(start + 2);
    assertThat(twoMore).isNotDone();
    register(zk.newClient(), "chat-a");
    await().atMost(TIMEOUT).until(() -> view.ring().version() == start + 1);
    assertThat(twoMore).isNotDone();

    register(zk.newClient(), "chat-b");
    HashRing ring = twoMore.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ring.version()).isGreaterThanOrEqualTo(start + 2);
    assertThat(ring.members()).extracting(Member::id).containsExactly("chat-a", "chat-b");
  }

  @Test
  void pendingWaitersAreBoundedAndFailOnClose() throws Exception {
    MembershipView view = new MembershipView(zk.newClient(), path, 2);
    view.start();
    assertThat(view.awaitInitialized(TIMEOUT)).isTrue();

    CompletableFuture<HashRing> first = view.awaitVersion(1_000);
    CompletableFuture<HashRing> second = view.awaitVersion(1_000);
    CompletableFuture<HashRing> rejected = view.awaitVersion(1_000);
    assertThat(rejected).isCompletedExceptionally();
    assertThatThrownBy(rejected::join).hasCauseInstanceOf(RejectedExecutionException.class);

    first.cancel(false); // an abandoned wait frees its place
    CompletableFuture<HashRing> third = view.awaitVersion(1_000);
    assertThat(third).isNotDone();

    view.close();
    assertThat(second).isCompletedExceptionally();
    assertThat(third).isCompletedExceptionally();
    assertThatThrownBy(second::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(view.awaitVersion(1_000)).isCompletedExceptionally();
  }

  @Test
  void listenersGetEveryNewRingInVersionOrder() throws Exception {
    MembershipView view = new MembershipView(zk.newClient(), path);
    closeables.add(view);
    List<HashRing> rings = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    view.addListener(new MembershipListener() {
      @Override
      public void ringChanged(HashRing ring) {
        failures.incrementAndGet();
        throw new IllegalStateException("a broken listener must not stop the others");
      }
    });
    view.addListener(new MembershipListener() {
      @Override
      public void ringChanged(HashRing ring) {
        rings.add(ring);
      }
    });
    view.start();
    register(zk.newClient(), "chat-a");
    register(zk.newClient(), "chat-b");
    await().atMost(TIMEOUT).until(() -> ids(view).size() == 2);

    assertThat(rings).last().isSameAs(view.ring());
    assertThat(rings).extracting(HashRing::version).isSorted().doesNotHaveDuplicates();
    assertThat(failures.get()).isEqualTo(rings.size());
    assertThat(view.ring()).isSameAs(rings.get(rings.size() - 1));
  }

  @Test
  void createsAMissingMembershipNodeAsPersistent() throws Exception {
    CuratorFramework client = zk.newClient();
    assertThat(client.checkExists().forPath(path)).isNull();
    startView(client);
    assertThat(client.checkExists().forPath(path).getEphemeralOwner()).isZero();
    assertThat(client.checkExists().forPath(path).getCversion()).isZero();
  }
}
