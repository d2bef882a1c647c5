package io.presenter.gateway.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real BIND ({@code named}) on 127.0.0.1 and a free port, primary for the zone
 * {@value #ZONE} that accepts RFC 2136 updates signed with a TSIG key made for this run
 * (hmac-sha256, {@link #keyName()}, {@link #secret()}). Everything (config, zone file, journal, pid
 * and session key files) lives in a temporary directory that is deleted afterwards; {@code named}
 * runs in the foreground and is stopped through its {@link Process}.
 *
 * <p>Without {@code named} on the machine the tests are skipped, or fail when the environment has
 * {@code PRESENTER_REQUIRE_BIND=1} (as CI does; {@code apt-get install bind9}).
 *
 * <p>Register it on a static field for one server per test class, or on an instance field for a
 * fresh server per test. Queries through {@link #records} ask the server directly (TCP, no
 * cache), so a test sees what BIND holds, not what a publisher believes it wrote.
 */
public final class BindExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  public static final String ZONE = "presenter.test.";
  private static final String KEY_NAME = "presenter-test-key.";
  private static final List<Path> NAMED = List.of(Path.of("/usr/sbin/named"), Path.of("/usr/bin/named"));
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final String secret = randomSecret();
  private Path dir;
  private Process named;
  private int port;
  private boolean perTest;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (named == null) {
      start();
      perTest = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (perTest) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String server() {
    return "127.0.0.1:" + port;
  }

  public String keyName() {
    return KEY_NAME;
  }

  /** The TSIG secret, base64. */
  public String secret() {
    return secret;
  }

  /** The records of {@code type} that BIND holds at {@code name} (absolute, or relative to the zone). */
  public List<Record> records(String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofSeconds(5));
    Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.fromString(ZONE)), type, DClass.IN)));
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      throw new IOException("query " + name + " " + Type.string(type) + ": " + Rcode.string(rcode));
    }
    return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).toList();
  }

  /** The SRV records BIND holds at {@code name}. */
  public List<SRVRecord> srv(String name) throws IOException {
    return records(name, Type.SRV).stream().map(SRVRecord.class::cast).toList();
  }

  private void start() throws Exception {
    Path binary = NAMED.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (binary == null) {
      String message = "BIND (named) is not installed: apt-get install bind9";
      if ("1".equals(System.getenv("PRESENTER_REQUIRE_BIND"))) {
        fail(message + " [failing because PRESENTER_REQUIRE_BIND=1]");
      }
      Assumptions.abort(message + "; the tests that need it are skipped");
    }
    dir = Files.createTempDirectory("presenter-bind");
    Files.writeString(dir.resolve("zone.db"), zoneFile());
    // A free port can be taken between our check and named's bind: try a few.
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt < 3 && named == null; attempt++) {
      port = freePort();
      Files.writeString(dir.resolve("named.conf"), config());
      Path log = dir.resolve("named-" + attempt + ".log");
      Process p = new ProcessBuilder(binary.toString(), "-g", "-4", "-c", dir.resolve("named.conf").toString(), "-p", Integer.toString(port))
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (awaitAnswering(p)) {
        named = p;
      } else {
        kill(p);
        failures.add(Files.readString(log));
      }
    }
    if (named == null) {
      throw new IllegalStateException("named did not start; its output:\n" + String.join("\n----\n", failures));
    }
  }

  /** Whether {@code p} answers for the zone before it exits or the start timeout passes. */
  private boolean awaitAnswering(Process p) {
    try {
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> !p.isAlive() || answers());
    } catch (ConditionTimeoutException e) {
      return false;
    }
    return p.isAlive();
  }

  private boolean answers() {
    try {
      return !records("@", Type.SOA).isEmpty();
    } catch (IOException notYet) {
      return false;
    }
  }

  private void stop() throws IOException {
    if (named != null) {
      kill(named);
      named = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
      dir = null;
    }
    perTest = false;
  }

  private static void kill(Process p) {
    p.destroy(); // SIGTERM: named shuts down cleanly
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private String config() {
    String d = dir.toString();
    return """
        options {
          directory "%1$s";
          pid-file "%1$s/named.pid";
          session-keyfile "%1$s/session.key";
          managed-keys-directory "%1$s";
          dump-file "%1$s/named.dump";
          statistics-file "%1$s/named.stats";
          listen-on port %2$d { 127.0.0.1; };
          listen-on-v6 { none; };
          recursion no;
          dnssec-validation no;
          notify no;
        };
        controls { };
        key "%3$s" {
          algorithm hmac-sha256;
          secret "%4$s";
        };
        zone "%5$s" {
          type primary;
          file "%1$s/zone.db";
          allow-update { key "%3$s"; };
        };
        """.formatted(d, port, KEY_NAME, secret, ZONE);
  }

  private static String zoneFile() {
    return """
        $ORIGIN %1$s
        $TTL 60
        @   IN SOA ns.%1$s hostmaster.%1$s 1 60 60 600 60
        @   IN NS  ns.%1$s
        ns  IN A   127.0.0.1
        """.formatted(ZONE);
  }

  private static String randomSecret() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** A port free for both TCP and UDP on 127.0.0.1. */
  private static int freePort() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int candidate = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate))) {
          return udp.getLocalPort();
        } catch (IOException taken) {
          // UDP side in use: next
        }
      }
    }
    throw new IOException("no free port for named");
  }
}
