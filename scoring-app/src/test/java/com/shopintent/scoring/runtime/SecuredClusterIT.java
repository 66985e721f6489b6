package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestCertificates;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.deploy.AccessPolicy;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product on a secured broker, as on the Strimzi cluster: clients connect over TLS (a CA the test makes, a
 * certificate for 127.0.0.1) and authenticate with SCRAM-SHA-512; the broker authorizes with
 * {@code StandardAuthorizer} and the ACLs of {@link AccessPolicy}, the list the {@code KafkaUser} manifests are
 * generated from, so the grants tested here are the grants deployed. Every client of the test is configured
 * through the application's own settings ({@code SCORING_KAFKA_SASL_USERNAME}, ..._PASSWORD, {@code
 * SCORING_KAFKA_TLS_CA}), and the application runs as its user with nothing more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecuredClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredClusterIT.class);
    private static final String ADMIN = "admin";
    /** A user with a SCRAM credential and no ACL: authenticated, authorized for nothing. */
    private static final String STRANGER = "stranger";
    /** Another product's topic on the same cluster, in no grant of this product. */
    private static final String OTHER_PRODUCTS_TOPIC = "billing.invoices";
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(90);
    /** How long a refused client is given to be refused; a client that is let in answers within it too. */
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(30);
    /** Short enough that a client which can never connect gives up well within {@link #REFUSAL_TIMEOUT}. */
    private static final int CLIENT_API_TIMEOUT_MS = 8_000;
    private static final Path LOGS = Path.of("target", "it-logs", SecuredClusterIT.class.getSimpleName());

    /** The test's own directory (certificates, passwords, state), for the whole class. */
    private Path work;

    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TestCertificates certificates;
    private EmbeddedKafkaBroker broker;
    private ScoringConfig applicationConfig;
    private Admin admin;

    @BeforeAll
    void startSecuredBrokerWithTheProductsUsersTopicsAndAcls(@TempDir Path directory) throws Exception {
        work = directory;
        long start = System.nanoTime();
        Files.createDirectories(LOGS);
        certificates = TestCertificates.create(work.resolve("tls"), List.of(), List.of("127.0.0.1"));
        broker = EmbeddedKafkaBroker.start(Map.of(
                        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                        // ANONYMOUS is the broker itself on its loopback PLAINTEXT listeners (EmbeddedKafkaBroker).
                        "super.users", "User:" + ADMIN + ";User:ANONYMOUS"),
                new EmbeddedKafkaBroker.SecuredListener(certificates.keyStore(), TestCertificates.STORE_PASSWORD));
        applicationConfig = ScoringConfig.defaults().with(Map.of("SCORING_PARTITIONS", "3", "SCORING_REPLICATION_FACTOR", "1"));
        List<AccessPolicy.User> users = AccessPolicy.users(applicationConfig);

        passwords.put(ADMIN, password());
        passwords.put(STRANGER, password());
        users.forEach(user -> passwords.put(user.name(), password()));
        // The first credentials cannot be added over SASL: no one could authenticate yet.
        try (Admin plaintext = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            passwords.forEach((user, password) -> credentials.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)));
            plaintext.alterUserScramCredentials(credentials).all().get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        admin = closeLater(Admin.create(client(ADMIN)));
        // The credentials reach the listener through the metadata log, a moment after the call returns.
        Await.until(SETUP_TIMEOUT, () -> answers(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS)),
                () -> "admin authenticated over SASL_SSL at " + broker.securedBootstrapServers());
        TopicPlan plan = new TopicPlan(applicationConfig);
        assertThat(plan.apply(admin).created()).contains(Topics.EVENTS, Topics.PREDICTIONS, Topics.MODELS);
        admin.createTopics(List.of(new NewTopic(OTHER_PRODUCTS_TOPIC, 1, (short) 1))).all().get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        // The plan's topics are ready when apply returns; this one is not the plan's.
        TopicPlan.awaitLeaders(admin, List.of(OTHER_PRODUCTS_TOPIC));

        List<AclBinding> acls = users.stream().flatMap(user -> user.aclBindings().stream()).toList();
        admin.createAcls(acls).all().get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Await.until(SETUP_TIMEOUT, () -> acls().size() == acls.size(), () -> acls().size() + " of " + acls.size() + " ACLs in force");
        LOG.info("Secured broker with {} users, {} topics and {} ACLs ready in {} ms", passwords.size(), plan.topics().size() + 1, acls.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (broker != null) {
            try {
                Files.copy(broker.directory().resolve("broker.log"), LOGS.resolve("broker.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void shouldScoreTheShopsEventsAsTheApplicationsUserWithOnlyItsGrants() throws IOException {
        String applicationUser = applicationConfig.get(ScoringConfig.APPLICATION_ID);
        Records.Replay replay = Records.replay(BrokerTestBed.rows(40, 5), Instant.now());
        // Page statistics come from a job that has no user of its own yet (docs/DEPLOY.md): the admin writes them.
        Records.send(broker.securedBootstrapServers(), producerOnly(client(ADMIN)), replay.pageStatsRecords());
        Records.send(broker.securedBootstrapServers(), producerOnly(client(AccessPolicy.SHOP_PRODUCER)), replay.eventRecords());
        // As in a pod: the password in a file (the KafkaUser Secret's key 'password' mounted), the CA in another.
        Path passwordFile = Files.writeString(work.resolve("scoring-password"), passwords.get(applicationUser), StandardCharsets.UTF_8);
        Map<String, String> settings = new HashMap<>(Map.of(
                "SCORING_BOOTSTRAP_SERVERS", broker.securedBootstrapServers(),
                "SCORING_KAFKA_SASL_USERNAME", applicationUser,
                "SCORING_KAFKA_SASL_PASSWORD_FILE", passwordFile.toString(),
                "SCORING_KAFKA_TLS_CA", certificates.caPem().toString(),
                "SCORING_STATE_DIR", work.resolve("state").toString(),
                "SCORING_MODEL_DIR", TestModels.packageDir().toString(),
                "SCORING_PARTITIONS", "3",
                "SCORING_REPLICATION_FACTOR", "1",
                "SCORING_HTTP_PORT", "0"));
        Path output = LOGS.resolve("scoring-process.log");
        Files.deleteIfExists(output);
        ScoringProcess process = closeLater(new ScoringProcess(settings, output));
        Records.Reader predictions = closeLater(new Records.Reader(broker.securedBootstrapServers(),
                consumerOnly(client(AccessPolicy.DASHBOARDS)), Topics.PREDICTIONS));
        Supplier<String> context = () -> "process alive: " + process.isAlive() + "; " + process.outputTail();
        long start = System.nanoTime();

        process.start();
        Records.readAllOutput(predictions, replay.events().size(), admin, applicationUser, OUTPUT_TIMEOUT, context);
        LOG.info("{} events scored on the secured broker {} ms after the application's start", replay.events().size(),
                (System.nanoTime() - start) / 1_000_000);

        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(log).as("the application's output").contains("SCORING_KAFKA_SASL_USERNAME").contains(applicationUser)
                .doesNotContain(passwords.get(applicationUser));
        process.close();
    }

    @Test
    void shouldRefuseClientsWithoutValidCredentials() {
        Map<String, Object> unknownUser = client(STRANGER);
        unknownUser.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"nobody\" password=\"guess\";");
        Map<String, Object> wrongPassword = client(AccessPolicy.SHOP_PRODUCER);
        wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + AccessPolicy.SHOP_PRODUCER + "\" password=\"guess\";");
        // No TLS and no SASL: the listener drops the connection, so the client only ever times out.
        Map<String, Object> plaintext = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.securedBootstrapServers()));

        assertThat(describeClusterFailure(unknownUser)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(describeClusterFailure(wrongPassword)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(describeClusterFailure(plaintext)).isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        // The same request with valid credentials is answered: the refusals are about the credentials.
        assertThat(describeClusterFailure(client(STRANGER))).isNull();
    }

    @Test
    void shouldNotLetTheShopsProducerReadPredictions() {
        assertThat(readFailure(AccessPolicy.SHOP_PRODUCER, Topics.PREDICTIONS)).isInstanceOf(TopicAuthorizationException.class)
                .satisfies(e -> assertThat(((TopicAuthorizationException) e).unauthorizedTopics()).containsExactly(Topics.PREDICTIONS));
        // The same read as the dashboards' user is allowed: the refusal is the grant's, not the topic's.
        assertThat(readFailure(AccessPolicy.DASHBOARDS, Topics.PREDICTIONS)).isNull();
    }

    @Test
    void shouldNotLetTheApplicationsUserReadOutsideItsGrantsNorAnnounceModels() {
        String applicationUser = applicationConfig.get(ScoringConfig.APPLICATION_ID);

        assertThat(readFailure(applicationUser, OTHER_PRODUCTS_TOPIC)).isInstanceOf(TopicAuthorizationException.class);
        // It writes training examples; writing does not let it read them.
        assertThat(readFailure(applicationUser, Topics.TRAINING_EXAMPLES)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(readFailure(applicationUser, Topics.EVENTS)).isNull();
        // Whoever writes scoring.models decides what every instance scores (docs/MODEL.md, trust): not the application.
        assertThat(writeFailure(applicationUser, Topics.MODELS)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(writeFailure(AccessPolicy.OPERATOR, Topics.MODELS)).isNull();
    }

    /** The client properties of a user, made by the application's own settings. */
    private Map<String, Object> client(String user) {
        Map<String, Object> properties = new HashMap<>(ScoringConfig.from(Map.of(
                "SCORING_BOOTSTRAP_SERVERS", broker.securedBootstrapServers(),
                "SCORING_KAFKA_SASL_USERNAME", user,
                "SCORING_KAFKA_SASL_PASSWORD", passwords.get(user),
                "SCORING_KAFKA_TLS_CA", certificates.caPem().toString())).clientProperties());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CLIENT_API_TIMEOUT_MS);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, CLIENT_API_TIMEOUT_MS);
        return properties;
    }

    /** Null when an Admin client with these properties is answered; else why not. */
    private static Throwable describeClusterFailure(Map<String, Object> properties) {
        Map<String, Object> admin = new HashMap<>(properties);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CLIENT_API_TIMEOUT_MS);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, CLIENT_API_TIMEOUT_MS);
        long start = System.nanoTime();
        try (Admin client = Admin.create(admin)) {
            client.describeCluster().nodes().get(REFUSAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the Admin client neither got an answer nor gave up within " + REFUSAL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REFUSAL_TIMEOUT);
        }
    }

    /**
     * Null when this user's consumer reads a partition of the topic: several fetches answered, and no poll threw;
     * else the exception a poll threw within {@link #REFUSAL_TIMEOUT}. Assigned, without a group, as a dashboard
     * reads. A known position is not enough: offsets are answered to a user who may only describe the topic
     * (a writer), the fetch needs Read.
     */
    private Throwable readFailure(String user, String topic) {
        Map<String, Object> properties = client(user);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerOnly(properties), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            Await.until(REFUSAL_TIMEOUT, () -> {
                try {
                    consumer.poll(Duration.ofMillis(200));
                    // A fetch's error is raised by the poll after its response: three answered, then one more poll.
                    if (fetchesAnswered(consumer) >= 3) {
                        consumer.poll(Duration.ofMillis(200));
                        return true;
                    }
                    return false;
                } catch (RuntimeException e) {
                    failure.set(e);
                    return true;
                }
            }, () -> user + " neither read nor was refused " + topic);
        }
        return failure.get();
    }

    private static double fetchesAnswered(KafkaConsumer<?, ?> consumer) {
        return consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("consumer-fetch-manager-metrics") && e.getKey().name().equals("fetch-total")
                        && e.getKey().tags().size() == 1)
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    /** Null when this user's producer writes one record to the topic; else why not, within {@link #REFUSAL_TIMEOUT}. */
    private Throwable writeFailure(String user, String topic) {
        Map<String, Object> properties = client(user);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, CLIENT_API_TIMEOUT_MS);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, CLIENT_API_TIMEOUT_MS + 2_000);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, CLIENT_API_TIMEOUT_MS);
        // A record no instance would take for an announcement: the write is what is tested, not its effect.
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, Records.utf8("security-test"), Records.utf8("{}"));
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(broker.securedBootstrapServers(), producerOnly(properties))) {
            producer.send(record).get(REFUSAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        } catch (TimeoutException e) {
            throw new AssertionError(user + "'s write to " + topic + " was neither acknowledged nor refused within " + REFUSAL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Map<String, Object> consumerOnly(Map<String, Object> properties) {
        Map<String, Object> consumer = new HashMap<>(properties);
        consumer.keySet().retainAll(ConsumerConfig.configNames());
        return consumer;
    }

    private static Map<String, Object> producerOnly(Map<String, Object> properties) {
        Map<String, Object> producer = new HashMap<>(properties);
        producer.keySet().retainAll(ProducerConfig.configNames());
        return producer;
    }

    private List<AclBinding> acls() {
        try {
            return new ArrayList<>(admin.describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Whether the call returns; an authentication that is not in force yet fails it. */
    private static boolean answers(Callable<?> call) {
        try {
            call.call();
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private static String password() {
        return UUID.randomUUID().toString();
    }
}
