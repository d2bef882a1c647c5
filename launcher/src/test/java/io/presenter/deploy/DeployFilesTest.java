package io.presenter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.presenter.chat.server.ChatServer;
import io.presenter.chat.server.ChatServerConfig;
import io.presenter.gateway.TlsTestClient;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.launcher.LocalCluster;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files under {@code deploy/} (systemd units, Kubernetes manifests, Prometheus config and
 * alert rules, Grafana dashboard) parse, hold the expected objects, and use only metric names
 * that the gateway and the chat server really export: the names are scraped from a running
 * local cluster, not listed by hand.
 */
class DeployFilesTest {
  private static final Pattern METRIC = Pattern.compile("\\bpresenter_[A-Za-z0-9_]+");
  private static final Pattern CONFIG_FORCE = Pattern.compile("CONFIG_FORCE_[A-Za-z0-9_]+");

  @TempDir Path dir;

  /** {@code deploy/} of this checkout (tests run in the module directory). */
  static Path deployDir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/kubernetes"))) {
        return p.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
  }

  private static List<Path> files(Path root, String... suffixes) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> Stream.of(suffixes).anyMatch(p.getFileName().toString()::endsWith))
          .sorted()
          .toList();
    }
  }

  /** Every document of a (multi-document) YAML file, as plain maps and lists. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : yaml.loadAll(Files.readString(file))) {
      if (doc != null) {
        assertThat(doc).as("a document of %s", file).isInstanceOf(Map.class);
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  private static List<Map<String, Object>> kubernetesObjects() throws IOException {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Path f : files(deployDir().resolve("kubernetes"), ".yaml", ".yml")) {
      all.addAll(yamlDocuments(f));
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  static Object at(Object node, Object... path) {
    for (Object key : path) {
      if (node instanceof Map<?, ?> m) {
        node = m.get(key);
      } else if (node instanceof List<?> l && key instanceof Integer i) {
        node = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
    }
    return node;
  }

  private static Map<String, Object> object(List<Map<String, Object>> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/kubernetes"));
  }

  @Test
  void everyYamlFileParsesAndTheDashboardIsValidJson() throws IOException {
    List<Path> yamlFiles = files(deployDir(), ".yaml", ".yml");
    assertThat(yamlFiles).extracting(p -> deployDir().relativize(p).toString().replace('\\', '/'))
        .contains("prometheus/prometheus.yml", "prometheus/alerts.yml", "kubernetes/gateway.yaml",
            "kubernetes/chat-server.yaml", "kubernetes/configmap.yaml", "kubernetes/zookeeper.yaml");
    for (Path f : yamlFiles) {
      assertThat(yamlDocuments(f)).as("documents in %s", f).isNotEmpty();
    }
    JsonNode dashboard = new ObjectMapper().readTree(deployDir().resolve("grafana/presenter-dashboard.json").toFile());
    assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    assertThat(dashboard.path("templating").path("list").findValuesAsText("type")).contains("datasource");
    assertThat(dashboard.path("panels").size()).isGreaterThan(10);
    assertThat(dashboardExpressions(dashboard)).hasSizeGreaterThan(20);
  }

  @Test
  void kubernetesManifestsHoldTheExpectedObjects() throws IOException {
    List<Map<String, Object>> objects = kubernetesObjects();
    for (Map<String, Object> o : objects) {
      assertThat(o).as("object %s", o.get("metadata")).containsKeys("apiVersion", "kind", "metadata");
    }
    assertThat(objects).extracting(o -> o.get("kind") + "/" + at(o, "metadata", "name"))
        .contains("Deployment/presenter-gateway", "Service/presenter-gateway", "PodDisruptionBudget/presenter-gateway",
            "StatefulSet/presenter-chat", "Service/presenter-chat", "PodDisruptionBudget/presenter-chat",
            "ConfigMap/presenter-config", "StatefulSet/zookeeper", "Service/zookeeper-headless",
            "PodDisruptionBudget/zookeeper");

    Map<String, Object> gateway = object(objects, "Deployment", "presenter-gateway");
    Object gwPod = at(gateway, "spec", "template", "spec");
    assertThat((Integer) at(gwPod, "terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(300);
    Object gwContainer = at(gwPod, "containers", 0);
    assertThat(at(gwContainer, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(at(gwContainer, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
    assertThat(at(gwContainer, "readinessProbe", "httpGet", "port")).isEqualTo("admin");
    assertThat(envFieldRef(gwContainer, "CONFIG_FORCE_presenter_gateway_id")).isEqualTo("metadata.name");
    // preStop drains and waits, and its wait fits in the grace period with the stop after it.
    @SuppressWarnings("unchecked")
    List<String> preStop = (List<String>) at(gwContainer, "lifecycle", "preStop", "exec", "command");
    assertThat(preStop).containsSubsequence("drain", "--wait");
    String wait = preStop.get(preStop.indexOf("--wait") + 1);
    assertThat(wait).endsWith("s");
    assertThat(Integer.parseInt(wait.substring(0, wait.length() - 1)))
        .isLessThan((Integer) at(gwPod, "terminationGracePeriodSeconds"));
    assertThat(at(object(objects, "Service", "presenter-gateway"), "spec", "ports", 0, "port")).isEqualTo(443);

    Map<String, Object> chat = object(objects, "StatefulSet", "presenter-chat");
    assertThat(at(chat, "spec", "serviceName")).isEqualTo("presenter-chat");
    assertThat(at(object(objects, "Service", "presenter-chat"), "spec", "clusterIP")).isEqualTo("None");
    Object chatContainer = at(chat, "spec", "template", "spec", "containers", 0);
    assertThat(envFieldRef(chatContainer, "CONFIG_FORCE_presenter_chat_id")).isEqualTo("metadata.name");
    assertThat(envFieldRef(chatContainer, "CONFIG_FORCE_presenter_chat_advertised__host")).isEqualTo("status.podIP");
    assertThat(at(chatContainer, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(at(chatContainer, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
  }

  private static Object envFieldRef(Object container, String name) {
    Object env = at(container, "env");
    assertThat(env).as("env of %s", at(container, "name")).isInstanceOf(List.class);
    return ((List<?>) env).stream()
        .filter(e -> name.equals(at(e, "name")))
        .map(e -> at(e, "valueFrom", "fieldRef", "fieldPath"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in " + at(container, "name")));
  }

  /** The HOCON in the ConfigMap loads into the real config classes with the real defaults. */
  @Test
  void configMapConfigsLoadAndTheirAdminEndpointsAreReachable() throws IOException {
    Map<String, Object> configMap = object(kubernetesObjects(), "ConfigMap", "presenter-config");
    Config gw = ConfigFactory.parseString((String) at(configMap, "data", "gateway.conf"))
        .withFallback(ConfigFactory.defaultReference()).resolve();
    GatewayConfig gateway = GatewayConfig.from(gw);
    assertThat(gateway.adminHost()).isEqualTo("0.0.0.0");
    assertThat(gw.getInt("presenter.gateway.admin-port")).isEqualTo(8480);
    Config ch = ConfigFactory.parseString((String) at(configMap, "data", "chat-server.conf"))
        .withFallback(ConfigFactory.defaultReference()).resolve();
    ChatServerConfig chat = ChatServerConfig.from(ch);
    assertThat(chat.adminHost()).isEqualTo("0.0.0.0");
    assertThat(ch.getInt("presenter.chat.admin-port")).isEqualTo(7480);
    assertThat(ch.getString("presenter.chat.store.type")).isEqualTo("postgresql");
  }

  /** Every CONFIG_FORCE_ variable in deploy/ names a setting that exists. */
  @Test
  void environmentOverridesNameRealSettings() throws IOException {
    Config reference = ConfigFactory.defaultReference();
    Set<String> seen = new TreeSet<>();
    for (Path f : files(deployDir(), ".yaml", ".yml", ".service")) {
      Matcher m = CONFIG_FORCE.matcher(Files.readString(f));
      while (m.find()) {
        if (m.group().endsWith("_")) {
          continue; // a prefix in a comment: CONFIG_FORCE_presenter_chat_<path>
        }
        String path = settingPath(m.group());
        seen.add(path);
        assertThat(reference.hasPath(path)).as("%s in %s names %s", m.group(), f, path).isTrue();
      }
    }
    assertThat(seen).contains("presenter.chat.id", "presenter.chat.advertised-host", "presenter.gateway.id");
  }

  /** Typesafe Config's CONFIG_FORCE_ convention: `_` is `.`, `__` is `-`, `___` is `_`. */
  static String settingPath(String variable) {
    String s = variable.substring("CONFIG_FORCE_".length());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      if (s.charAt(i) != '_') {
        out.append(s.charAt(i++));
        continue;
      }
      int n = 0;
      while (i < s.length() && s.charAt(i) == '_') {
        n++;
        i++;
      }
      out.append(switch (n) {
        case 1 -> ".";
        case 2 -> "-";
        case 3 -> "_";
        default -> throw new AssertionError("too many underscores in " + variable);
      });
    }
    return out.toString();
  }

  @Test
  void settingPathDecodesTheConvention() {
    assertThat(settingPath("CONFIG_FORCE_presenter_chat_advertised__host")).isEqualTo("presenter.chat.advertised-host");
    assertThat(settingPath("CONFIG_FORCE_presenter_chat_store_jdbc__url")).isEqualTo("presenter.chat.store.jdbc-url");
    assertThat(settingPath("CONFIG_FORCE_a___b")).isEqualTo("a_b");
  }

  static List<String> dashboardExpressions(JsonNode dashboard) {
    return dashboard.findValuesAsText("expr");
  }

  @SuppressWarnings("unchecked")
  static List<String> alertExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> doc : yamlDocuments(deployDir().resolve("prometheus/alerts.yml"))) {
      for (Object group : (List<Object>) doc.get("groups")) {
        assertThat(at(group, "name")).as("group name").isNotNull();
        for (Object rule : (List<Object>) at(group, "rules")) {
          assertThat(at(rule, "alert")).as("alert name of %s", rule).isInstanceOf(String.class);
          assertThat(at(rule, "expr")).as("expr of %s", at(rule, "alert")).isInstanceOf(String.class);
          exprs.add((String) at(rule, "expr"));
        }
      }
    }
    return exprs;
  }

  static Set<String> metricNames(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String e : expressions) {
      METRIC.matcher(e).results().map(r -> r.group()).forEach(names::add);
    }
    return names;
  }

  /**
   * The sample names of a Prometheus text scrape: counters with `_total`, histograms as
   * `_bucket`/`_count`/`_sum` plus the `_max` gauge. A query must use one of these exactly; a bare
   * histogram family name (`..._seconds`) selects nothing and is rejected too.
   */
  static Set<String> sampleNames(String scrape) {
    return scrape.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static Set<String> unknown(Set<String> used, Set<String> known) {
    Set<String> u = new TreeSet<>(used);
    u.removeAll(known);
    return u;
  }

  private static TlsTestClient.Conn login(TlsTestClient phones, LocalCluster cluster, GatewayServer gateway, String user)
      throws Exception {
    return phones.login(gateway.port(), cluster.token(user, "deploy-check", Duration.ofHours(1)), user + "-phone");
  }

  @Test
  void alertsAndDashboardUseOnlyMetricsTheProcessesExport() throws Exception {
    Set<String> known = new TreeSet<>();
    try (LocalCluster cluster = new LocalCluster(dir, 2, 1, 0).start()) {
      GatewayServer gateway = cluster.gateways().get(0);
      await().atMost(Duration.ofSeconds(30)).until(gateway::isReady);
      // One message through the gateway, so every meter on the path has observed something.
      try (TlsTestClient phones = new TlsTestClient(cluster.caFile().toFile())) {
        TlsTestClient.Conn alice = login(phones, cluster, gateway, "alice");
        TlsTestClient.Conn bob = login(phones, cluster, gateway, "bob");
        alice.send(ClientFrames.send("m1", 1, "hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(1);
      }
      Set<String> gatewayNames = sampleNames(gateway.meters().scrape());
      Set<String> chatNames = new TreeSet<>();
      for (ChatServer chat : cluster.chatServers()) {
        chatNames.addAll(sampleNames(chat.meters().scrape()));
      }
      assertThat(gatewayNames).contains("presenter_gateway_connections", "presenter_gateway_handshake_seconds_bucket");
      assertThat(chatNames).contains("presenter_chat_sessions", "presenter_store_commit_seconds_bucket");
      known.addAll(gatewayNames);
      known.addAll(chatNames);
    }

    // The check itself: an invented counter and a bare histogram family are both caught.
    assertThat(unknown(Set.of("presenter_gateway_connections_total", "presenter_gateway_handshake_seconds",
        "presenter_gateway_connections"), known))
        .containsExactly("presenter_gateway_connections_total", "presenter_gateway_handshake_seconds");

    Set<String> inAlerts = metricNames(alertExpressions());
    assertThat(inAlerts).contains("presenter_gateway_backend_connections", "presenter_gateway_closes_total",
        "presenter_gateway_ring_members", "presenter_chat_ring_members", "presenter_store_commit_seconds_bucket",
        "presenter_chat_slow_readers_closed_total", "presenter_gateway_reroutes_total");
    assertThat(unknown(inAlerts, known)).as("metric names in deploy/prometheus/alerts.yml that no process exports").isEmpty();

    JsonNode dashboard = new ObjectMapper().readTree(deployDir().resolve("grafana/presenter-dashboard.json").toFile());
    Set<String> inDashboard = metricNames(dashboardExpressions(dashboard));
    assertThat(inDashboard).hasSizeGreaterThan(25);
    assertThat(unknown(inDashboard, known))
        .as("metric names in deploy/grafana/presenter-dashboard.json that no process exports").isEmpty();
  }
}
