package com.shopintent.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority and one server certificate it signed, made fresh for a test
 * and written to a directory: PEM files for servers configured with files (redis-server), PKCS12
 * stores for JVM servers and clients (a Kafka broker). Keys are EC P-256; certificates are valid
 * for a day. Two instances have unrelated CAs, so one's CA does not trust the other's server.
 */
public final class TestCertificates {

    /** Password of both PKCS12 stores. */
    public static final String STORE_PASSWORD = "test-only";
    /** Alias of the server's key and chain in {@link #keyStore()}. */
    public static final String SERVER_ALIAS = "server";
    /** Alias of the CA certificate in {@link #trustStore()}. */
    public static final String CA_ALIAS = "ca";

    private static final Duration VALIDITY = Duration.ofDays(1);
    /** notBefore lies a little in the past: certificate times have whole seconds. */
    private static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate ca;
    private final X509Certificate server;
    private final Path caPem;
    private final Path serverCertPem;
    private final Path serverKeyPem;
    private final Path keyStore;
    private final Path trustStore;

    private TestCertificates(X509Certificate ca, X509Certificate server, Path dir) {
        this.ca = ca;
        this.server = server;
        this.caPem = dir.resolve("ca.pem");
        this.serverCertPem = dir.resolve("server.pem");
        this.serverKeyPem = dir.resolve("server-key.pem");
        this.keyStore = dir.resolve("server.p12");
        this.trustStore = dir.resolve("truststore.p12");
    }

    /** A CA and a server certificate for {@code localhost} and {@code 127.0.0.1}, written to {@code dir}. */
    public static TestCertificates forLocalhost(Path dir) {
        return create(dir, List.of("localhost"), List.of("127.0.0.1"));
    }

    /**
     * A CA and a server certificate whose subject alternative names are these DNS names and IP
     * addresses, written to {@code dir} (created if missing).
     */
    public static TestCertificates create(Path dir, List<String> dnsNames, List<String> ipAddresses) {
        try {
            Files.createDirectories(dir);
            Instant now = Instant.now();
            KeyPair caKeys = ecKeyPair();
            X500Name caName = new X500Name("CN=shop-intent test CA " + Long.toHexString(RANDOM.nextLong()));
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder caBuilder = builder(caName, caName, now, caKeys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = sign(caBuilder, caKeys.getPrivate());

            KeyPair serverKeys = ecKeyPair();
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
            ipAddresses.forEach(address -> names.add(new GeneralName(GeneralName.iPAddress, address)));
            String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
            X509v3CertificateBuilder serverBuilder = builder(caName, new X500Name("CN=" + commonName), now, serverKeys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    // clientAuth too: a broker's certificate also serves its inter-broker connections.
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(serverKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
            X509Certificate server = sign(serverBuilder, caKeys.getPrivate());

            TestCertificates certificates = new TestCertificates(ca, server, dir);
            certificates.write(serverKeys.getPrivate());
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test certificates to " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make test certificates", e);
        }
    }

    public X509Certificate ca() {
        return ca;
    }

    public X509Certificate server() {
        return server;
    }

    /** The CA certificate, PEM. */
    public Path caPem() {
        return caPem;
    }

    /** The server certificate, PEM (the certificate alone; the CA is in {@link #caPem()}). */
    public Path serverCertPem() {
        return serverCertPem;
    }

    /** The server's private key, PEM, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path serverKeyPem() {
        return serverKeyPem;
    }

    /** PKCS12: the server's key and chain (server, CA) under {@link #SERVER_ALIAS}, password {@link #STORE_PASSWORD}. */
    public Path keyStore() {
        return keyStore;
    }

    /** PKCS12: the CA certificate under {@link #CA_ALIAS}, password {@link #STORE_PASSWORD}. */
    public Path trustStore() {
        return trustStore;
    }

    /** A TLS client context that trusts this CA only. */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, STORE_PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), RANDOM);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + trustStore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context from " + trustStore, e);
        }
    }

    private void write(PrivateKey serverKey) throws IOException, GeneralSecurityException {
        writePem(caPem, ca);
        writePem(serverCertPem, server);
        writePem(serverKeyPem, new JcaPKCS8Generator(serverKey, null));
        char[] password = STORE_PASSWORD.toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, password);
        keys.setKeyEntry(SERVER_ALIAS, serverKey, password, new Certificate[] {server, ca});
        store(keys, keyStore);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, password);
        trusted.setCertificateEntry(CA_ALIAS, ca);
        store(trusted, trustStore);
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        }
    }

    private static void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, Instant now, KeyPair subjectKeys) {
        Instant notBefore = now.minus(BACKDATE);
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    }
}
