package dev.keel.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.KeelResponse;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keel's transport over TLS: h2 is chosen by ALPN (HTTP/1.1 when HTTP/2 is off), and the attempt
 * that opened the connection reports TCP connect and TLS handshake separately. The server is a
 * plain Jetty with ALPN and a certificate made by keytool for this run.
 */
class TlsTest {

    private static final String PASSWORD = "keel-test";

    @TempDir
    static Path dir;

    private static Server server;
    private static int port;
    private static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "keel",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();
        server = new Server();
        server.addConnector(tlsConnector(server, keystore));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put("x-request-id", "req_tls");
                response.write(true, ByteBuffer.wrap("{\"ok\":true}".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        trusting = trusting(keystore);
    }

    private static ServerConnector tlsConnector(Server server, Path keystore) {
        var ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toString());
        ssl.setKeyStorePassword(PASSWORD);
        var http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer());
        var h2 = new HTTP2ServerConnectionFactory(http);
        var h1 = new HttpConnectionFactory(http);
        var alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        var connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
        connector.setHost("127.0.0.1");
        return connector;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        var ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private static KeelClient client(boolean http2) {
        var pool = PoolConfig.ofDefaults().withSslContext(trusting).withHttp2(http2);
        return KeelClient.builder(
                        KeelClientConfig.builder("sk-tls-test", URI.create("https://localhost:" + port + "/v1"))
                                .pool(pool)
                                .build())
                .build();
    }

    @Test
    void https_alpn_negotiatesH2_andTimesConnectAndTlsApart() {
        try (var client = client(true)) {
            KeelResponse first = client.send(HttpCall.get("/models"), CallOptions.defaults());
            assertThat(first.protocol()).isEqualTo("HTTP/2.0");
            assertThat(first.json().get("ok").asBoolean()).isTrue();
            assertThat(first.timings().connect()).isNotNull().isPositive();
            assertThat(first.timings().tls())
                    .as("the TLS handshake of the new connection")
                    .isNotNull()
                    .isPositive();
            KeelResponse second = client.send(HttpCall.get("/models"), CallOptions.defaults());
            assertThat(second.timings().connect()).isNull();
            assertThat(second.timings().tls()).isNull();
            assertThat(first.summary()).contains("tls=");
        }
    }

    @Test
    void https_http2Off_negotiatesHttp11() {
        try (var client = client(false)) {
            assertThat(client.send(HttpCall.get("/models"), CallOptions.defaults())
                            .protocol())
                    .isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void cleartext_reportsNoTlsTime() {
        try (var emulator = dev.keel.emulator.Emulator.start();
                var client = KeelClient.builder(KeelClientConfig.builder("sk-x", emulator.baseUrl())
                                .build())
                        .build()) {
            var r = client.send(HttpCall.get("/files"), CallOptions.defaults());
            assertThat(r.timings().connect()).isNotNull();
            assertThat(r.timings().tls()).isNull();
        }
    }
}
