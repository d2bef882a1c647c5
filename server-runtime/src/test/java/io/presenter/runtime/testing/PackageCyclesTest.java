package io.presenter.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.presenter.runtime.admin.AdminHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCyclesTest {
  @Test
  void readsPackageEdgesUnderThePrefixFromJdepsOutput() {
    String output =
        """
        classes -> java.base
        classes -> not found
           a.x                 -> a.y                 classes
           a.x                 -> java.util           java.base
           a.y                 -> b.z                 not found
           b.z                 -> a.x                 classes
        """;
    assertThat(PackageCycles.parse(output, "a"))
        .isEqualTo(Map.of("a.x", Set.of("a.y", "java.util"), "a.y", Set.of("b.z")));
  }

  @Test
  void findsOneCycleForEachTangleAndNoneInADag() {
    Map<String, Set<String>> tangled =
        Map.of(
            "a", Set.of("b"),
            "b", Set.of("c", "x"),
            "c", Set.of("a"),
            "d", Set.of("a", "e"),
            "e", Set.of("d"),
            "x", Set.of());
    assertThat(PackageCycles.cycles(tangled))
        .containsExactly(List.of("a", "b", "c", "a"), List.of("d", "e", "d"));

    Map<String, Set<String>> layered = Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of());
    assertThat(PackageCycles.cycles(layered)).isEmpty();
  }

  @Test
  void runsJdepsOnAModulesClasses() {
    Map<String, Set<String>> graph =
        PackageCycles.dependencies(PackageCycles.classesOf(AdminHttpServer.class), "io.presenter.runtime");
    assertThat(graph.get("io.presenter.runtime.admin")).contains("com.sun.net.httpserver");
    PackageCycles.assertNone(AdminHttpServer.class, "io.presenter.runtime");
  }

  @Test
  void assertNoneNamesTheCycleInCompiledClasses(@TempDir Path dir) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    write(src.resolve("A.java"), "package p.a; public class A { p.b.B partner; }");
    write(src.resolve("B.java"), "package p.b; public class B { p.a.A partner; }");
    write(src.resolve("C.java"), "package p.c; public class C { p.a.A user; }");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(null, null, null, "-d", classes.toString(),
            src.resolve("A.java").toString(), src.resolve("B.java").toString(), src.resolve("C.java").toString());
    assertThat(status).isZero();

    assertThatThrownBy(() -> PackageCycles.assertNone(classes, "p"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("package cycles under p:\n  p.a -> p.b -> p.a");
    PackageCycles.assertNone(classes, "p.c");
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
