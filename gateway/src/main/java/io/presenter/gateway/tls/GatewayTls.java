package io.presenter.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.presenter.protocol.tls.TlsContexts;
import java.io.File;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The client-facing TLS context: BoringSSL, TLS 1.2/1.3, ECDSA or RSA certificate from PEM, and
 * session tickets. Ticket keys come from config (48 bytes each: 16 name, 16 HMAC, 16 AES; the
 * first encrypts, all decrypt) so gateways sharing them resume each other's sessions; without
 * configured keys BoringSSL uses random per-process keys.
 */
public final class GatewayTls {
  private GatewayTls() {}

  /** Reference counted (freed per connection as it closes): release it when the gateway stops. */
  public static SslContext serverContext(String certFile, String keyFile, List<String> ticketKeys) throws SSLException {
    SslContext context = TlsContexts.referenceCountedServer(new File(certFile), new File(keyFile));
    if (!ticketKeys.isEmpty() && context.sessionContext() instanceof OpenSslSessionContext sessions) {
      OpenSslSessionTicketKey[] keys = ticketKeys.stream().map(GatewayTls::ticketKey).toArray(OpenSslSessionTicketKey[]::new);
      sessions.setTicketKeys(keys);
    }
    return context;
  }

  /** The TLS implementation behind {@code context}, for the start-up log: "BoringSSL", "JDK"... */
  public static String providerName(SslContext context) {
    return context instanceof ReferenceCountedOpenSslContext ? OpenSsl.versionString() : "JDK";
  }

  private static OpenSslSessionTicketKey ticketKey(String base64) {
    byte[] raw = Base64.getDecoder().decode(base64.trim());
    if (raw.length != 48) {
      throw new IllegalArgumentException("a session ticket key is 48 bytes (base64), got " + raw.length);
    }
    return new OpenSslSessionTicketKey(
        Arrays.copyOfRange(raw, 0, 16), Arrays.copyOfRange(raw, 16, 32), Arrays.copyOfRange(raw, 32, 48));
  }
}
