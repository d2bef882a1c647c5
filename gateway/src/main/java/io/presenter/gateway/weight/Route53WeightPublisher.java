package io.presenter.gateway.weight;

import io.presenter.gateway.config.GatewayConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Publishes the gateway's weight as an Amazon Route 53 weighted record: in the record set
 * {@code record-name}/{@code type} of the hosted zone, one record per gateway with
 * {@code SetIdentifier} = its id, {@code Weight} = its weight and its advertised IP as the value.
 * Every change is one {@code ChangeResourceRecordSets} call with a single UPSERT, which touches
 * only this gateway's record.
 *
 * <p>A draining gateway UPSERTs weight 0 instead of deleting its record: Route 53 then sends it no
 * new clients while any other record of the set has a weight, yet if the whole fleet is draining
 * (all weights 0) it still answers with all of them rather than with nothing; and an UPSERT needs
 * no knowledge of the current record, where a DELETE must repeat it exactly. {@link #withdraw()},
 * at shutdown, DELETEs the record with exactly the values last sent.
 *
 * <p>Calls use the blocking JDK HTTP client with the configured timeout for the whole call and no
 * retry inside the SDK: the next interval is the retry.
 */
public final class Route53WeightPublisher implements WeightPublisher {
  private final Route53Client client;
  private final String hostedZoneId;
  private final String recordName;
  private final RRType type;
  private final long ttl;
  private ResourceRecordSet lastSent;

  /** With the SDK's default credentials provider chain. */
  public Route53WeightPublisher(GatewayConfig.Route53 config) {
    this(config, DefaultCredentialsProvider.builder().build());
  }

  public Route53WeightPublisher(GatewayConfig.Route53 config, AwsCredentialsProvider credentials) {
    if (config.hostedZoneId().isBlank() || config.recordName().isBlank()) {
      throw new IllegalArgumentException("weights.route53 needs hosted-zone-id and record-name");
    }
    this.type = RRType.fromValue(config.type().toUpperCase());
    if (type != RRType.A && type != RRType.AAAA) {
      throw new IllegalArgumentException("weights.route53.type must be A or AAAA, not " + config.type());
    }
    this.hostedZoneId = config.hostedZoneId();
    this.recordName = config.recordName();
    this.ttl = config.ttl().toSeconds();
    Route53ClientBuilder builder = Route53Client.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(config.timeout())
            .socketTimeout(config.timeout()))
        .overrideConfiguration(o -> o
            .apiCallTimeout(config.timeout())
            .retryStrategy(r -> r.maxAttempts(1)));
    if (!config.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    this.client = builder.build();
  }

  @Override
  public String name() {
    return "route53";
  }

  @Override
  public void publish(WeightSnapshot s) {
    ResourceRecordSet record = ResourceRecordSet.builder()
        .name(recordName)
        .type(type)
        .setIdentifier(s.id())
        .weight((long) (s.draining() ? 0 : s.weight()))
        .ttl(ttl)
        .resourceRecords(ResourceRecord.builder().value(ip(s.address().host())).build())
        .build();
    change(ChangeAction.UPSERT, record);
    lastSent = record;
  }

  @Override
  public void withdraw() {
    try {
      if (lastSent != null) {
        change(ChangeAction.DELETE, lastSent);
        lastSent = null;
      }
    } finally {
      client.close();
    }
  }

  private void change(ChangeAction action, ResourceRecordSet record) {
    client.changeResourceRecordSets(r -> r
        .hostedZoneId(hostedZoneId)
        .changeBatch(b -> b
            .comment("presenter gateway " + record.setIdentifier())
            .changes(Change.builder().action(action).resourceRecordSet(record).build())));
  }

  /** The advertised host as the record's value; it must be an IP address of the record's family. */
  private String ip(String host) {
    InetAddress ip;
    try {
      ip = Address.getByAddress(host); // parses a literal, never looks a name up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("weights.route53 needs an IP address in weights.advertised-address, not " + host);
    }
    if ((ip instanceof Inet4Address) != (type == RRType.A)) {
      throw new IllegalArgumentException("weights.route53.type " + type + " does not fit the advertised address " + host);
    }
    return ip.getHostAddress();
  }
}
