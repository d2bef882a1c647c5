package io.presenter.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.presenter.chat.server.ChatServer;
import io.presenter.runtime.testing.PackageCycles;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chat server's package structure, read from its compiled classes with jdeps: no package
 * cycles, and wire types only at the edge (domain types inside, docs/STYLE.md 19).
 */
class LayeringTest {
  private static final String CHAT = "io.presenter.chat";

  @Test
  void noPackageCycles() {
    PackageCycles.assertNone(ChatServer.class, CHAT);
  }

  @Test
  void onlyTheServerPackageSeesTheMuxProtocol() {
    Map<String, Set<String>> graph = PackageCycles.dependencies(PackageCycles.classesOf(ChatServer.class), CHAT);
    assertThat(graph.get(CHAT + ".server")).as("sanity: the edge does use it").contains("io.presenter.protocol.mux");
    graph.forEach((pkg, deps) -> {
      if (!pkg.equals(CHAT + ".server")) {
        assertThat(deps).as(pkg).noneMatch(d -> d.startsWith("io.presenter.protocol.mux"));
      }
    });
  }

  @Test
  void couplesAndOwnershipSpeakNoWireProtocol() {
    Map<String, Set<String>> graph = PackageCycles.dependencies(PackageCycles.classesOf(ChatServer.class), CHAT);
    for (String pkg : new String[] {CHAT + ".couple", CHAT + ".ownership", CHAT + ".store"}) {
      assertThat(graph).containsKey(pkg);
      assertThat(graph.get(pkg)).as(pkg).noneMatch(d -> d.startsWith("io.presenter.protocol"));
    }
  }
}
