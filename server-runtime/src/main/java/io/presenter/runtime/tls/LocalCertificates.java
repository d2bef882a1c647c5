package io.presenter.runtime.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA and server certificates (ECDSA P-256) for local clusters, tests and development.
 * Not for production, where certificates come from the operator's PKI.
 *
 * <p>{@link #create(Path)} writes {@code ca.pem}, {@code server.pem} (certificate) and
 * {@code server.key} (PKCS#8) into a directory, valid for localhost, 127.0.0.1 and ::1, unless
 * they already exist there.
 */
public final class LocalCertificates {
  /** Paths of the generated PEM files. */
  public record Files3(Path ca, Path certificate, Path privateKey) {}

  private LocalCertificates() {}

  public static Files3 create(Path dir) {
    Files3 files = new Files3(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"));
    if (Files.exists(files.ca()) && Files.exists(files.certificate()) && Files.exists(files.privateKey())) {
      return files;
    }
    try {
      Files.createDirectories(dir);
      KeyPair caKeys = newKeyPair();
      X509Certificate ca = sign(new X500Name("CN=Presenter local CA"), caKeys, new X500Name("CN=Presenter local CA"), caKeys, true, List.of());
      KeyPair serverKeys = newKeyPair();
      X509Certificate server =
          sign(
              new X500Name("CN=localhost"),
              serverKeys,
              new X500Name("CN=Presenter local CA"),
              caKeys,
              false,
              List.of(
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                  new GeneralName(GeneralName.iPAddress, "::1")));
      Files.writeString(files.ca(), pem(ca));
      Files.writeString(files.certificate(), pem(server) + pem(ca));
      Files.writeString(files.privateKey(), pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot create local certificates", e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, boolean isCa, List<GeneralName> names)
      throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(isCa ? 3650 : 825))),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
    }
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
