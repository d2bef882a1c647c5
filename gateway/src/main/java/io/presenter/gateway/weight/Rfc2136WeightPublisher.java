package io.presenter.gateway.weight;

import io.presenter.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Publishes the gateway's weight by RFC 2136 dynamic update, signed with TSIG, to the zone's
 * primary server.
 *
 * <p>Record layout (zone {@code presenter.example.com.}, defaults):
 * <pre>
 *   _presenter._tcp.presenter.example.com. 30 IN SRV 10 &lt;weight&gt; &lt;port&gt; &lt;id&gt;.presenter.example.com.   one per serving gateway
 *   &lt;id&gt;.presenter.example.com.           30 IN A   &lt;advertised IP&gt;                                (AAAA for IPv6)
 * </pre>
 * The SRV set is shared by the fleet, so a gateway only ever touches its own members of it: each
 * publish reads the set, and one UPDATE message deletes exactly this gateway's SRV records (those
 * whose target is its own name, e.g. left by an earlier run on another port) and adds the new one,
 * and replaces its own address record. A draining gateway (weight 0) deletes its SRV record, so
 * new clients stop choosing it, but keeps its address record: resolvers that cached the SRV set for
 * a TTL still find the gateway, which still serves late clients during its drain. {@link #withdraw()}
 * deletes both. When the advertised host is a name rather than an IP address, the SRV target is
 * that name (which must name this gateway alone) and no address record is written.
 *
 * <p>Records left by a gateway that crashed (its ZooKeeper node gone, its records not) are
 * removed by the live gateway with the lowest id: at each of its publications it deletes the SRV
 * records whose target no live gateway has, once they have been so for {@code remove-stale-after},
 * and the address records {@code <id>.<zone>} behind them. The deletes ride in the same UPDATE as
 * its own records; deleting a record that is already gone is a no-op, so two sweepers at once
 * (during a change of the lowest id) do no harm.
 *
 * <p>Every exchange is over TCP with the configured timeout and is not retried: the next interval
 * is the retry.
 */
public final class Rfc2136WeightPublisher implements WeightPublisher {
  private static final Logger log = LoggerFactory.getLogger(Rfc2136WeightPublisher.class);
  static final int SRV_PRIORITY = 10;

  private final Name zone;
  private final Name srvName;
  private final long ttl;
  private final HostPort serverAddress;
  private final SimpleResolver server;
  private final LiveGateways fleet; // null: no sweeping
  private final StaleTargets stale;
  private final LongSupplier nanoTime;
  private Name addressName; // this gateway's own A/AAAA owner, once known
  private Name target;

  /** Sweeps stale records when {@code config.removeStaleAfter()} is positive, with {@code fleet} as the truth. */
  public Rfc2136WeightPublisher(GatewayConfig.Rfc2136 config, LiveGateways fleet) {
    this(config, TsigKey.from(config.tsig()), fleet, System::nanoTime);
  }

  /** With {@code nanoTime} as the clock of the stale-record grace period (tests). */
  Rfc2136WeightPublisher(GatewayConfig.Rfc2136 config, LiveGateways fleet, LongSupplier nanoTime) {
    this(config, TsigKey.from(config.tsig()), fleet, nanoTime);
  }

  private Rfc2136WeightPublisher(GatewayConfig.Rfc2136 config, TSIG key, LiveGateways fleet, LongSupplier nanoTime) {
    if (config.zone().isBlank() || config.server().isBlank()) {
      throw new IllegalArgumentException("weights.rfc2136 needs server and zone");
    }
    try {
      this.zone = Name.fromString(config.zone(), Name.root);
      this.srvName = Name.fromString(config.recordName(), zone);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad weights.rfc2136 zone or record-name: " + e.getMessage(), e);
    }
    this.ttl = config.ttl().toSeconds();
    this.serverAddress = HostPort.parse(config.server(), 53);
    this.server = new SimpleResolver(InetSocketAddress.createUnresolved(serverAddress.host(), serverAddress.port()));
    server.setTCP(true);
    server.setTimeout(config.timeout());
    server.setTSIGKey(key);
    this.fleet = config.removeStaleAfter().isZero() ? null : fleet;
    this.stale = new StaleTargets(config.removeStaleAfter().toNanos());
    this.nanoTime = nanoTime;
  }

  @Override
  public String name() {
    return "rfc2136";
  }

  @Override
  public void publish(WeightSnapshot s) throws IOException {
    Record address = addressRecord(s);
    Update update = new Update(zone);
    SRVRecord mine = new SRVRecord(srvName, DClass.IN, ttl, SRV_PRIORITY, s.weight(), s.address().port(), target);
    boolean serving = !s.draining() && s.weight() > 0;
    List<SRVRecord> set = srvSet();
    for (SRVRecord old : own(set)) {
      if (!serving || !old.equals(mine)) { // equals compares the data, not the TTL
        update.delete(old);
      }
    }
    sweep(update, set, s.id());
    if (serving) {
      update.add(mine);
      if (address != null) {
        update.delete(addressName, address.getType() == Type.A ? Type.AAAA : Type.A);
        update.replace(address);
      }
    }
    if (!update.getSection(Section.UPDATE).isEmpty()) {
      send(update);
    }
  }

  @Override
  public void withdraw() throws IOException {
    if (target == null) {
      return; // never published
    }
    Update update = new Update(zone);
    own(srvSet()).forEach(update::delete);
    if (addressName != null) {
      update.delete(addressName, Type.A);
      update.delete(addressName, Type.AAAA);
    }
    send(update);
  }

  /** The A/AAAA record for {@code <id>.<zone>}, or null when the host is a name; sets the SRV target. */
  private Record addressRecord(WeightSnapshot s) throws TextParseException {
    InetAddress ip = ipLiteral(s.address().host());
    target = targetOf(s.id(), s.address());
    if (ip == null) {
      addressName = null;
      return null;
    }
    addressName = target;
    return ip instanceof Inet4Address
        ? new ARecord(addressName, DClass.IN, ttl, ip)
        : new AAAARecord(addressName, DClass.IN, ttl, ip);
  }

  /** The SRV target of a gateway: {@code <id>.<zone>} when it advertises an IP, else its host name. */
  private Name targetOf(String id, HostPort address) throws TextParseException {
    return address == null || ipLiteral(address.host()) != null
        ? Name.fromString(id, zone)
        : Name.fromString(address.host(), Name.root);
  }

  private static InetAddress ipLiteral(String host) {
    try {
      return Address.getByAddress(host); // parses a literal, never looks a name up
    } catch (UnknownHostException notAnIp) {
      return null;
    }
  }

  /**
   * Adds to {@code update} the deletion of records no live gateway stands behind, if this gateway
   * is the sweeper (the lowest live id). Skipped when the live set cannot be read: never act on a
   * guess.
   */
  private void sweep(Update update, List<SRVRecord> set, String id) throws TextParseException {
    if (fleet == null) {
      return;
    }
    Map<String, HostPort> live;
    try {
      live = fleet.read();
    } catch (Exception unknown) {
      log.debug("no stale-record sweep: cannot read the live gateways: {}", unknown.toString());
      return;
    }
    if (live.isEmpty() || !live.keySet().iterator().next().equals(id)) {
      stale.clear(); // not (or not yet) the sweeper
      return;
    }
    Set<Name> liveTargets = new HashSet<>();
    for (Map.Entry<String, HostPort> g : live.entrySet()) {
      liveTargets.add(targetOf(g.getKey(), g.getValue()));
    }
    Set<Name> orphaned = new HashSet<>();
    for (SRVRecord r : set) {
      if (!liveTargets.contains(r.getTarget()) && !r.getTarget().equals(target)) {
        orphaned.add(r.getTarget());
      }
    }
    Set<Name> expired = stale.expired(orphaned, nanoTime.getAsLong());
    if (expired.isEmpty()) {
      return;
    }
    log.info("removing the DNS records of {} gateway(s) gone from ZooKeeper: {}", expired.size(), expired);
    for (SRVRecord r : set) {
      if (expired.contains(r.getTarget())) {
        update.delete(r);
      }
    }
    for (Name gone : expired) {
      if (gone.labels() == zone.labels() + 1 && gone.subdomain(zone)) { // an address record a gateway wrote
        update.delete(gone, Type.A);
        update.delete(gone, Type.AAAA);
      }
    }
  }

  /** The SRV set as the server has it now. */
  private List<SRVRecord> srvSet() throws IOException {
    Message response = exchange(Message.newQuery(Record.newRecord(srvName, Type.SRV, DClass.IN)));
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      throw new IOException("the DNS server refused the query for " + srvName + " SRV: " + describe(response));
    }
    List<SRVRecord> set = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof SRVRecord srv && srv.getName().equals(srvName)) {
        set.add(srv);
      }
    }
    return set;
  }

  /** This gateway's members of the SRV set. */
  private List<SRVRecord> own(List<SRVRecord> set) {
    return set.stream().filter(r -> r.getTarget().equals(target)).toList();
  }

  private Message exchange(Message request) throws IOException {
    // Resolved on each exchange (the JVM caches names): a server name that did not resolve at
    // start, or that moved, is picked up later.
    InetSocketAddress address = new InetSocketAddress(serverAddress.host(), serverAddress.port());
    if (address.isUnresolved()) {
      throw new UnknownHostException("DNS server " + serverAddress.host());
    }
    server.setAddress(address);
    return server.send(request);
  }

  private void send(Update update) throws IOException {
    Message response = exchange(update);
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IOException("the DNS server refused the update of " + zone + ": " + describe(response));
    }
    if (!response.isVerified()) {
      throw new IOException("the DNS server's answer to the update of " + zone + " is not signed with our TSIG key");
    }
  }

  /** The response code, with the TSIG error (BADSIG, BADKEY, BADTIME) when there is one. */
  private static String describe(Message response) {
    String rcode = Rcode.string(response.getRcode());
    return response.getTSIG() == null || response.getTSIG().getError() == Rcode.NOERROR
        ? rcode
        : rcode + ", TSIG " + Rcode.TSIGstring(response.getTSIG().getError());
  }
}
