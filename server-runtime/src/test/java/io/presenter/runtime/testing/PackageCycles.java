package io.presenter.runtime.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * The package dependency graph of compiled classes, as the JDK's {@code jdeps -verbose:package}
 * reports it, and the cycles in it. Works on any module: a test names one of the module's main
 * classes (to find its classes directory or jar) and the package prefix to check, e.g.
 *
 * <pre>{@code
 * PackageCycles.assertNone(ChatServer.class, "io.presenter.chat");
 * }</pre>
 *
 * <p>jdeps sees every reference in the class files (fields, signatures, bodies, constants), not
 * only imports. Needs a JDK (the jdk.jdeps module), which the build uses anyway.
 */
public final class PackageCycles {
  /** An indented jdeps line: {@code <from package> -> <to package> <archive or "not found">}. */
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S.*$");

  private PackageCycles() {}

  /** Fails, naming one cycle of each tangle, if packages under {@code packagePrefix} depend on each other in a cycle. */
  public static void assertNone(Class<?> anyClassOfTheModule, String packagePrefix) {
    assertNone(classesOf(anyClassOfTheModule), packagePrefix);
  }

  /** As {@link #assertNone(Class, String)}, for a classes directory or jar. */
  public static void assertNone(Path classes, String packagePrefix) {
    List<List<String>> cycles = cycles(dependencies(classes, packagePrefix));
    if (!cycles.isEmpty()) {
      StringBuilder message = new StringBuilder("package cycles under " + packagePrefix + ":");
      for (List<String> cycle : cycles) {
        message.append("\n  ").append(String.join(" -> ", cycle));
      }
      throw new AssertionError(message.toString());
    }
  }

  /** The classes directory or jar a class was loaded from. */
  public static Path classesOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("no file location for " + type, e);
    }
  }

  /**
   * Runs jdeps on {@code classes} and returns, for each package under {@code packagePrefix}, the
   * other packages it depends on (any package, inside the prefix or not).
   */
  public static Map<String, Set<String>> dependencies(Path classes, String packagePrefix) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("jdeps not found: run on a JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", classes.toString());
    if (status != 0) {
      throw new IllegalStateException("jdeps failed (" + status + "): " + err);
    }
    return parse(out.toString(), packagePrefix);
  }

  /** Reads {@code jdeps -verbose:package} output; see {@link #dependencies}. */
  public static Map<String, Set<String>> parse(String jdepsOutput, String packagePrefix) {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : jdepsOutput.split("\\R")) {
      Matcher m = EDGE.matcher(line);
      if (m.matches() && within(m.group(1), packagePrefix) && !m.group(1).equals(m.group(2))) {
        graph.computeIfAbsent(m.group(1), p -> new TreeSet<>()).add(m.group(2));
      }
    }
    return graph;
  }

  private static boolean within(String pkg, String prefix) {
    return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
  }

  /**
   * One cycle for each strongly connected group of packages (Tarjan), written as a path that
   * returns to its first package, e.g. {@code [a, b, a]}. Empty if the graph is acyclic.
   */
  public static List<List<String>> cycles(Map<String, Set<String>> graph) {
    List<List<String>> cycles = new ArrayList<>();
    for (Set<String> component : new Tarjan(graph).components()) {
      if (component.size() > 1) {
        cycles.add(shortestCycleThrough(component.iterator().next(), component, graph));
      }
    }
    cycles.sort(Comparator.comparing(c -> c.get(0)));
    return cycles;
  }

  /** Breadth-first from {@code start} back to itself, staying inside its component. */
  private static List<String> shortestCycleThrough(String start, Set<String> component, Map<String, Set<String>> graph) {
    Map<String, String> cameFrom = new HashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : graph.getOrDefault(at, Set.of())) {
        if (next.equals(start)) {
          return rebuild(start, at, cameFrom);
        }
        if (component.contains(next) && !next.equals(start) && cameFrom.putIfAbsent(next, at) == null) {
          queue.add(next);
        }
      }
    }
    throw new IllegalStateException("no cycle through " + start + " in its own component");
  }

  /** start -> ... -> last -> start, following {@code cameFrom} back from {@code last}. */
  private static List<String> rebuild(String start, String last, Map<String, String> cameFrom) {
    ArrayDeque<String> path = new ArrayDeque<>();
    path.addFirst(start);
    for (String p = last; !p.equals(start); p = cameFrom.get(p)) {
      path.addFirst(p);
    }
    path.addFirst(start);
    return List.copyOf(path);
  }

  /** Tarjan's strongly connected components; each component's packages sorted. */
  private static final class Tarjan {
    private final Map<String, Set<String>> graph;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final ArrayDeque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<Set<String>> components = new ArrayList<>();

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    List<Set<String>> components() {
      for (String node : graph.keySet()) {
        if (!index.containsKey(node)) {
          visit(node);
        }
      }
      return components;
    }

    private void visit(String node) {
      index.put(node, index.size());
      low.put(node, index.get(node));
      stack.push(node);
      onStack.add(node);
      for (String next : graph.getOrDefault(node, Set.of())) {
        if (!index.containsKey(next)) {
          visit(next);
          low.put(node, Math.min(low.get(node), low.get(next)));
        } else if (onStack.contains(next)) {
          low.put(node, Math.min(low.get(node), index.get(next)));
        }
      }
      if (low.get(node).equals(index.get(node))) {
        Set<String> component = new TreeSet<>();
        String member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (!member.equals(node));
        components.add(component);
      }
    }
  }
}
