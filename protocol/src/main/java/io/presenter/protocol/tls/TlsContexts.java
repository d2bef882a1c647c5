package io.presenter.protocol.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for every tier: TLS 1.3 and 1.2 only, BoringSSL through netty-tcnative when it
 * loads (the JDK provider otherwise), certificates and keys from PEM files.
 */
public final class TlsContexts {
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private TlsContexts() {}

  /** The provider used: OPENSSL (BoringSSL) when netty-tcnative is available. */
  public static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** A server context from a PEM certificate chain and a PEM (PKCS#8) private key. */
  public static SslContext server(File certChain, File privateKey) throws SSLException {
    return server(certChain, privateKey, provider());
  }

  /**
   * Like {@link #server}, but reference counted (BoringSSL's {@code OPENSSL_REFCNT}): each
   * connection's native TLS state is freed when its {@code SslHandler} is removed (the connection
   * closed), not later by a finalizer, and no finalizer is registered per connection. The caller
   * must {@code release()} the context once its connections are closed.
   */
  public static SslContext referenceCountedServer(File certChain, File privateKey) throws SSLException {
    return server(certChain, privateKey, OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK);
  }

  private static SslContext server(File certChain, File privateKey, SslProvider provider) throws SSLException {
    return SslContextBuilder.forServer(certChain, privateKey).sslProvider(provider).protocols(PROTOCOLS).build();
  }

  /** A client context trusting the CA certificates in {@code trustedCa} (PEM); null trusts the JDK's defaults. */
  public static SslContext client(File trustedCa) throws SSLException {
    return client(trustedCa, 0);
  }

  /**
   * A client context whose session cache holds up to {@code sessionCacheSize} sessions (0: the
   * provider's default), for one context shared by many simulated clients that each resume their
   * own sessions.
   */
  public static SslContext client(File trustedCa, int sessionCacheSize) throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider()).protocols(PROTOCOLS);
    if (trustedCa != null) {
      builder.trustManager(trustedCa);
    }
    if (sessionCacheSize > 0) {
      builder.sessionCacheSize(sessionCacheSize);
    }
    return builder.build();
  }

  /** Whether the finished handshake of {@code ssl} resumed an earlier session (ticket or cache); false with the JDK provider. */
  public static boolean resumed(SslHandler ssl) {
    if (ssl.engine() instanceof ReferenceCountedOpenSslEngine engine) {
      synchronized (engine) {
        long pointer = engine.sslPointer();
        return pointer != 0 && SSL.isSessionReused(pointer);
      }
    }
    return false;
  }
}
