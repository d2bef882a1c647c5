package io.presenter.gateway;

import com.typesafe.config.ConfigFactory;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.runtime.tls.LocalCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real gateways in-process, sharing the test chat cluster's ZooKeeper and token keys. */
final class GatewayTestCluster implements AutoCloseable {
  private final String zookeeper;
  private final Path keyFile;
  final LocalCertificates.Files3 certs;
  private final List<GatewayServer> gateways = new ArrayList<>();

  GatewayTestCluster(String zookeeper, Path dir, Path keyFile) {
    this.zookeeper = zookeeper;
    this.keyFile = keyFile;
    this.certs = LocalCertificates.create(dir.resolve("tls"));
  }

  GatewayServer start(String id, Map<String, Object> extra) throws Exception {
    Map<String, Object> s = new HashMap<>();
    s.put("presenter.gateway.id", id);
    s.put("presenter.gateway.bind-host", "127.0.0.1");
    s.put("presenter.gateway.port", 0);
    s.put("presenter.gateway.admin-port", 0);
    s.put("presenter.gateway.event-loop-threads", 2);
    s.put("presenter.gateway.zookeeper.connect", zookeeper);
    s.put("presenter.gateway.tokens.key-file", keyFile.toString());
    s.put("presenter.gateway.tls.cert-file", certs.certificate().toString());
    s.put("presenter.gateway.tls.key-file", certs.privateKey().toString());
    s.putAll(extra);
    GatewayConfig config = GatewayConfig.from(ConfigFactory.parseMap(s).withFallback(ConfigFactory.defaultReference()).resolve());
    GatewayServer gateway = new GatewayServer(config).start();
    gateways.add(gateway);
    return gateway;
  }

  GatewayServer start(String id) throws Exception {
    return start(id, Map.of());
  }

  @Override
  public void close() {
    gateways.forEach(GatewayServer::close);
    gateways.clear();
  }
}
