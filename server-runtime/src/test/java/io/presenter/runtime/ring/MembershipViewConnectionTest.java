package io.presenter.runtime.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The view through a ZooKeeper outage: its own server, stopped and restarted. */
class MembershipViewConnectionTest {

  @RegisterExtension
  final ZooKeeperExtension zk = new ZooKeeperExtension(); // a fresh server for each test

  private static final String PATH = "/presenter/chat-servers";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void reportsSuspendedLostReconnectedAndReReadsAfterwards() throws Exception {
    CuratorFramework viewClient = zk.newClient();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    try (MembershipView view = new MembershipView(viewClient, PATH);
        MemberRegistration a = new MemberRegistration(zk.newClient(), PATH, new Member("chat-a", "h", 1, 0, 0))) {
      view.addListener(new MembershipListener() {
        @Override
        public void connectionChanged(ConnectionState state) {
          states.add(state);
        }
      });
      view.start();
      a.start();
      await().atMost(TIMEOUT).until(() -> view.ring().member("chat-a") != null);

      zk.stopServer();
      await().atMost(TIMEOUT).until(() -> states.containsAll(List.of(ConnectionState.SUSPENDED, ConnectionState.LOST)));
      assertThat(states).startsWith(ConnectionState.SUSPENDED);
      assertThat(view.ring().member("chat-a")).as("the last ring stays readable").isNotNull();

      zk.restartServer();
      await().atMost(TIMEOUT).until(() -> states.contains(ConnectionState.RECONNECTED));
      assertThat(states).containsSubsequence(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.RECONNECTED);

      // The session was lost, and with it every watch: only the re-read on RECONNECTED lets the
      // view see a member that joins now.
      try (MemberRegistration b = new MemberRegistration(zk.newClient(), PATH, new Member("chat-b", "h", 2, 0, 0))) {
        b.start();
        await().atMost(TIMEOUT).untilAsserted(() ->
            assertThat(view.ring().members()).extracting(Member::id).containsExactly("chat-a", "chat-b"));
      }
      // And it still agrees with a view that started from scratch.
      try (MembershipView fresh = new MembershipView(zk.newClient(), PATH)) {
        fresh.start();
        assertThat(fresh.awaitInitialized(TIMEOUT)).isTrue();
        await().atMost(TIMEOUT).untilAsserted(() -> {
          assertThat(view.ring().version()).isEqualTo(fresh.ring().version());
          assertThat(view.ring().members()).isEqualTo(fresh.ring().members());
        });
      }
    }
  }
}
