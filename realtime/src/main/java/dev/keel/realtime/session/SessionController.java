package dev.keel.realtime.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.policy.Deadline;
import dev.keel.core.time.Sleeper;
import dev.keel.realtime.latency.RealtimeMetrics;
import dev.keel.realtime.latency.TurnLatency;
import dev.keel.realtime.latency.TurnMarks;
import dev.keel.realtime.latency.TurnMarks.Mark;
import dev.keel.realtime.latency.TurnVerdict;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * A server-side bridge to one Realtime session over WebSocket: the turn/interrupt state machine
 * ({@link PhaseMachine}), the tracked ids and audio counters, interrupts with {@code
 * response.cancel} and {@code conversation.item.truncate}, recovery by the RT-09 plans with backoff
 * inside a budget, a bounded summary replayed after a reconnect, a planned reconnect before the
 * 60-minute session limit, and per-turn latency marks.
 *
 * <pre>{@code
 * var controller = SessionController.builder(WebSocketConnector.forModel(config, "gpt-realtime"), broker)
 *         .listener(myListener).audioSink(player).build();
 * controller.start();                        // IDLE -> LISTENING
 * controller.appendAudio(pcm16, capturedAt); // user speech; the server's VAD ends the turn
 * controller.interrupt();                    // or automatically on speech_started while SPEAKING
 * }</pre>
 *
 * Events are handled under the controller's lock in arrival order; sends happen under it too, so a
 * cancel always leaves before anything the next event causes. Time comes from the injected clock,
 * ticker, sleeper and scheduler. Thread-safe.
 */
public final class SessionController implements AutoCloseable {

    /** The reason of the planned reconnect before the session limit (plan {@link RecoveryPlan#PLANNED}). */
    public static final String SESSION_MAX_DURATION = "session_max_duration";

    private static final int BYTES_PER_MS = 48; // PCM16 mono at 24 kHz
    private static final int CHUNK_LOG = 512;

    private final SessionConfig config;
    private final RealtimeConnector connector;
    private final SessionCredentials credentials;
    private final SessionListener listener;
    private final AudioSink sink;
    private final RealtimeMetrics metrics;
    private final InstantSource clock;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Scheduler scheduler;
    private final Executor recoveryExecutor;
    private final PhaseMachine phases;
    /** The turn spans, or null when tracing is off (then nothing of OpenTelemetry runs). */
    private final TurnTracing tracing;

    private final SummaryBuffer summary;
    private final List<PhaseChange> timeline = new ArrayList<>();
    private final List<TurnLatency> turns = new ArrayList<>();

    // Tracked state (RT-07), guarded by this.
    private Conn current;
    private int generation;
    private String sessionId;
    private String conversationId;
    private String responseId;
    private String itemId;
    private long lastUserAudioSeq;
    private String lastAckEventId;
    private long inputBytes;
    private long receivedBytes;
    private Instant playbackStart;
    private long reportedPlayedMs = -1;
    private StringBuilder transcript = new StringBuilder();
    private long silenceMs = 500;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private TurnMarks marks;
    private int turnNumber;
    private boolean turnRecorded;
    private boolean recovering;
    /** The response an interrupt is cancelling, until the server confirms. */
    private String cancellingId;
    /** The user's next turn ended while a cancel was unconfirmed: THINKING once it is. */
    private boolean turnPending;

    private boolean reconnectWhenIdle;
    private volatile boolean closed;
    private int reconnects;
    private AutoCloseable planned;

    /** One user audio chunk: where it sits in the session's input timeline and when it moved. */
    private record Chunk(long startMs, long endMs, Instant capturedAt, Instant handedAt, Instant sentAt) {}

    /** One connection and what it reports; events from a retired one are ignored. */
    private final class Conn implements RealtimeLink.Listener {
        final int gen;
        final CompletableFuture<String> created = new CompletableFuture<>();
        volatile RealtimeLink link;

        Conn(int gen) {
            this.gen = gen;
        }

        @Override
        public void onEvent(String event) {
            handle(this, event, ticker.read());
        }

        @Override
        public void onEnded(int code, String reason) {
            ended(this, code, reason);
        }
    }

    private SessionController(Builder b) {
        this.config = b.config;
        this.connector = b.connector;
        this.credentials = b.credentials;
        this.listener = b.listener;
        this.sink = b.sink;
        this.metrics = b.metrics != null ? b.metrics : new RealtimeMetrics(new SimpleMeterRegistry(), b.ticker);
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.sleeper = b.sleeper;
        this.random = b.random;
        this.scheduler = b.scheduler;
        this.recoveryExecutor = b.recoveryExecutor;
        this.tracing = b.otel == null ? null : new TurnTracing(b.otel, config.latencyBudget());
        this.summary = new SummaryBuffer(config.summaryMaxTurns(), config.summaryMaxChars());
        this.phases = new PhaseMachine(clock, metrics::illegalTransition, change -> {
            timeline.add(change);
            listener.phaseChanged(change);
        });
    }

    public static Builder builder(RealtimeConnector connector, SessionCredentials credentials) {
        return new Builder(connector, credentials);
    }

    /**
     * Connects, configures the session and moves IDLE → LISTENING.
     *
     * @throws KeelException when the connection or handshake failed (e.g. 401 for a bad credential)
     * @throws IllegalPhaseTransitionException when already started
     */
    public void start() {
        if (phases.phase() != Phase.IDLE) {
            throw new IllegalPhaseTransitionException(phases.phase(), Phase.LISTENING, "start");
        }
        if (credentials.nearExpiry(clock.instant())) {
            credentials.reissue();
        }
        if (tracing != null) {
            synchronized (this) {
                tracing.sessionStarted();
            }
        }
        Conn c = open(config.handshakeTimeout());
        configure(c);
        synchronized (this) {
            phases.transition(Phase.LISTENING, "connected");
            schedulePlannedReconnect();
        }
    }

    // ---- application calls ------------------------------------------------------------------

    /**
     * Sends {@code pcm16} (24 kHz mono) of user audio captured (its last sample) at {@code capturedAt}.
     *
     * @return false when it was not sent: the session is recovering or closed, or the send failed
     *     (then a recovery starts)
     */
    public synchronized boolean appendAudio(byte[] pcm16, Instant capturedAt) {
        if (current == null || current.link == null || recovering || closed) {
            return false;
        }
        Instant handed = clock.instant();
        long startMs = inputBytes / BYTES_PER_MS;
        long endMs = (inputBytes + pcm16.length) / BYTES_PER_MS;
        ObjectNode e = event("input_audio_buffer.append")
                .put("audio", Base64.getEncoder().encodeToString(pcm16));
        try {
            current.link.send(Json.write(e));
        } catch (KeelException failure) {
            startRecovery(RecoveryPlan.NETWORK_SWITCH, RecoveryPlan.forReason(RecoveryPlan.NETWORK_SWITCH));
            return false;
        }
        inputBytes += pcm16.length;
        lastUserAudioSeq++;
        if (chunks.size() == CHUNK_LOG) {
            chunks.removeFirst();
        }
        chunks.addLast(new Chunk(startMs, endMs, capturedAt, handed, clock.instant()));
        return true;
    }

    /** Interrupts now (as on {@code speech_started} while SPEAKING). */
    public synchronized InterruptResult interrupt() {
        return interrupt("interrupt", ticker.read());
    }

    /** The application's playback progress of answer item {@code item}: {@code playedMs} audible so far. */
    public synchronized void reportPlayback(String item, long playedMs) {
        if (item != null && item.equals(itemId)) {
            reportedPlayedMs = playedMs;
        }
    }

    /** The application's player started sounding answer item {@code item} at {@code at}. */
    public synchronized void reportPlaybackStarted(String item, Instant at) {
        if (item != null && item.equals(itemId) && marks != null) {
            playbackStart = at;
            marks.mark(Mark.PLAYBACK_STARTED, at);
            traceMarks();
            recordTurnIfComplete();
        }
    }

    /** Adds a line to the recovery summary (e.g. the user's words from the application's own STT). */
    public void addToSummary(String role, String text) {
        summary.add(role, text);
    }

    /**
     * Recovers by the RT-09 plan for {@code reason} (e.g. {@code ice_failed}, {@code token_expired}):
     * RECOVERING now, the reconnect on the recovery executor.
     *
     * @return the plan
     */
    public RecoveryPlan recover(String reason) {
        RecoveryPlan plan = RecoveryPlan.forReason(reason);
        synchronized (this) {
            startRecovery(reason, plan);
        }
        return plan;
    }

    /** Drops the connection without a close handshake, as a network failure would (demo, tests). */
    public void forceDisconnect() {
        Conn c;
        synchronized (this) {
            c = current;
        }
        if (c != null && c.link != null) {
            c.link.abort();
        }
    }

    public synchronized SessionSnapshot snapshot() {
        return new SessionSnapshot(
                phases.phase(),
                sessionId,
                conversationId,
                responseId,
                itemId,
                lastUserAudioSeq,
                lastAckEventId,
                receivedBytes / BYTES_PER_MS,
                playedMs(clock.instant()),
                reconnects);
    }

    public Phase phase() {
        return phases.phase();
    }

    /** Every transition so far, oldest first. */
    public synchronized List<PhaseChange> timeline() {
        return List.copyOf(timeline);
    }

    /** The measured turns so far. */
    public synchronized List<TurnLatency> turns() {
        return List.copyOf(turns);
    }

    public String summary() {
        return summary.render();
    }

    public RealtimeMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        Conn c;
        synchronized (this) {
            closed = true;
            cancelPlanned();
            traceEnd("closed", null);
            c = current;
            current = null;
        }
        if (c != null && c.link != null) {
            c.link.close();
        }
    }

    // ---- connecting ---------------------------------------------------------------------------

    private Conn open(Duration timeout) {
        Conn c;
        synchronized (this) {
            c = new Conn(++generation);
            current = c;
        }
        try {
            c.link = connector.connect(credentials.bearer(), c);
            String id = c.created.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            synchronized (this) {
                sessionId = id;
            }
            return c;
        } catch (TimeoutException | ExecutionException e) {
            closeQuietly(c);
            throw KeelException.of(
                            ErrorKind.TIMEOUT,
                            "realtime: no session.created within " + timeout.toMillis() + " ms of connecting")
                    .attempts(1)
                    .cause(e)
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(c);
            throw KeelException.of(ErrorKind.NETWORK, "realtime: interrupted while connecting")
                    .attempts(1)
                    .cause(e)
                    .build();
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private void closeQuietly(Conn c) {
        synchronized (this) {
            if (current == c) {
                current = null;
            }
        }
        if (c.link != null) {
            c.link.abort();
        }
    }

    private void configure(Conn c) {
        ObjectNode session = Json.object().put("type", "realtime");
        if (config.instructions() != null) {
            session.put("instructions", config.instructions());
        }
        session.putObject("audio").putObject("output").put("voice", config.voice());
        ObjectNode update = event("session.update");
        update.set("session", session);
        c.link.send(Json.write(update));
    }

    // ---- server events ------------------------------------------------------------------------

    private synchronized void handle(Conn c, String text, long receivedNanos) {
        if (c != current || closed) {
            return;
        }
        JsonNode e;
        try {
            e = Json.parse(text);
        } catch (JsonSyntaxException bad) {
            listener.serverError("invalid_json", "a server event was not JSON: " + bad.getMessage());
            return;
        }
        if (e.path("event_id").isTextual()) {
            lastAckEventId = e.get("event_id").asText();
        }
        try {
            dispatch(c, e, receivedNanos);
        } catch (IllegalPhaseTransitionException illegal) {
            // counted by the phase machine; the event is dropped and the session goes on
            listener.serverError("illegal_transition", illegal.getMessage());
        }
    }

    private void dispatch(Conn c, JsonNode e, long receivedNanos) {
        switch (e.path("type").asText("")) {
            case "session.created", "session.updated" -> sessionEvent(c, e);
            case "input_audio_buffer.speech_started" -> {
                if (phases.phase() == Phase.SPEAKING) {
                    interrupt("speech_started", receivedNanos);
                }
            }
            case "input_audio_buffer.speech_stopped" -> speechStopped(e);
            case "response.created" -> {
                if (phases.phase() == Phase.CANCELLING) {
                    // one response at a time: a new one means the cancelled one is over
                    traceCancelConfirmed();
                    toListening("cancel confirmed (the next response started)");
                }
                responseId = e.at("/response/id").asText(null);
                if (e.at("/response/conversation_id").isTextual()) {
                    conversationId = e.at("/response/conversation_id").asText();
                }
            }
            case "response.output_item.added" -> newItem(e.at("/item/id").asText(null));
            case "response.output_audio.delta" -> audio(e);
            case "response.output_audio_transcript.delta" -> {
                if (isActive(e)) {
                    transcript.append(e.path("delta").asText(""));
                }
            }
            case "response.done" -> responseDone(e);
            case "error" -> serverError(e);
            default -> {
                // other events (committed, item.added, content parts, truncated) change nothing here
            }
        }
    }

    private void sessionEvent(Conn c, JsonNode e) {
        JsonNode td = e.at("/session/audio/input/turn_detection/silence_duration_ms");
        if (td.canConvertToLong()) {
            silenceMs = td.asLong();
        }
        if (e.path("type").asText().equals("session.created")) {
            c.created.complete(e.at("/session/id").asText(null));
        }
    }

    private void speechStopped(JsonNode e) {
        Phase p = phases.phase();
        if (p != Phase.LISTENING && p != Phase.CANCELLING) {
            return;
        }
        marks = new TurnMarks(++turnNumber);
        turnRecorded = false;
        long endMs = e.path("audio_end_ms").asLong(inputBytes / BYTES_PER_MS);
        long speechEndMs = Math.max(0, endMs - silenceMs);
        Chunk speechEnd = chunkAt(speechEndMs);
        if (speechEnd != null) {
            marks.mark(Mark.SPEECH_END_CAPTURED, speechEnd.capturedAt().minusMillis(speechEnd.endMs() - speechEndMs));
            marks.mark(Mark.SPEECH_END_HANDED, speechEnd.handedAt());
        }
        Chunk deciding = chunkAt(endMs);
        if (deciding != null) {
            marks.mark(Mark.DECIDING_CHUNK_SENT, deciding.sentAt());
        }
        marks.mark(Mark.SPEECH_STOPPED, clock.instant());
        if (tracing != null) {
            tracing.turnStarted(marks, sessionId, clock.instant());
        }
        if (p == Phase.CANCELLING) {
            turnPending = true; // THINKING as soon as the cancel is confirmed
        } else {
            phases.transition(Phase.THINKING, "speech_stopped");
        }
    }

    private Chunk chunkAt(long ms) {
        for (var it = chunks.descendingIterator(); it.hasNext(); ) {
            Chunk c = it.next();
            if (c.startMs() < ms && ms <= c.endMs() || c.startMs() == ms && ms == 0) {
                return c;
            }
        }
        return null;
    }

    private void newItem(String id) {
        itemId = id;
        receivedBytes = 0;
        playbackStart = null;
        reportedPlayedMs = -1;
        transcript = new StringBuilder();
    }

    private boolean isActive(JsonNode e) {
        String rid = e.path("response_id").asText(null);
        Phase p = phases.phase();
        return rid != null && rid.equals(responseId) && (p == Phase.THINKING || p == Phase.SPEAKING);
    }

    private void audio(JsonNode e) {
        if (!isActive(e)) {
            return; // audio of a cancelled or finished answer still in flight: never played
        }
        byte[] pcm = Base64.getDecoder().decode(e.path("delta").asText(""));
        if (itemId == null) {
            newItem(e.path("item_id").asText(null));
        }
        boolean first = receivedBytes == 0;
        receivedBytes += pcm.length;
        if (first && marks != null) {
            marks.mark(Mark.FIRST_AUDIO, clock.instant());
        }
        if (phases.phase() == Phase.THINKING) {
            phases.transition(Phase.SPEAKING, "first audio");
        }
        sink.accept(itemId, pcm);
        if (first) {
            Instant delivered = clock.instant();
            if (marks != null) {
                marks.mark(Mark.FIRST_AUDIO_DELIVERED, delivered);
            }
            if (!config.playbackReported()) {
                playbackStart = delivered;
                if (marks != null) {
                    marks.mark(Mark.PLAYBACK_STARTED, delivered);
                }
            }
            traceMarks();
            recordTurnIfComplete();
        }
    }

    private void traceMarks() {
        if (tracing != null) {
            tracing.marked();
        }
    }

    /** Ends the open turn span as {@code end} ({@code error} non-null: ERROR status); no-op when off. */
    private void traceEnd(String end, String error) {
        if (tracing != null) {
            tracing.turnEnded(end, error, clock.instant());
        }
    }

    /** A cancel was confirmed: the interrupted turn's span ends (not a turn that began during the cancel). */
    private void traceCancelConfirmed() {
        if (tracing != null && tracing.interrupted()) {
            traceEnd("interrupted", null);
        }
    }

    private void recordTurnIfComplete() {
        if (marks != null && !turnRecorded && marks.has(Mark.PLAYBACK_STARTED)) {
            turnRecorded = true;
            TurnLatency t = marks.latency();
            turns.add(t);
            metrics.record(t);
            TurnVerdict verdict = t.verdict(config.latencyBudget());
            if (tracing != null) {
                tracing.measured(t, verdict);
            }
            listener.turnMeasured(t, verdict);
        }
    }

    private void responseDone(JsonNode e) {
        String rid = e.at("/response/id").asText(null);
        Phase p = phases.phase();
        String expected = p == Phase.CANCELLING ? cancellingId : responseId;
        if (rid == null || !rid.equals(expected)) {
            return;
        }
        String status = e.at("/response/status").asText("");
        if (p == Phase.CANCELLING) {
            traceCancelConfirmed();
            toListening("cancel confirmed (" + status + ")");
        } else if (p == Phase.SPEAKING) {
            traceEnd(status.equals("completed") ? "completed" : "cut_off", null);
            if (transcript.length() > 0) {
                summary.add("assistant", transcript + (status.equals("completed") ? "" : " (cut off)"));
            }
            toListening(status.equals("completed") ? "turn completed" : "response " + status);
        } else if (p == Phase.THINKING) {
            traceEnd("no_audio", null);
            phases.transition(Phase.RECOVERING, "answer ended before any audio (" + status + ")");
            toListening("turn reset");
        }
    }

    private void toListening(String cause) {
        responseId = null;
        itemId = null;
        cancellingId = null;
        phases.transition(Phase.LISTENING, cause);
        if (turnPending) {
            turnPending = false;
            phases.transition(Phase.THINKING, "speech_stopped (during the cancel)");
            return;
        }
        if (reconnectWhenIdle) {
            reconnectWhenIdle = false;
            startRecovery(SESSION_MAX_DURATION, RecoveryPlan.PLANNED);
        }
    }

    private void serverError(JsonNode e) {
        String code = e.at("/error/code").asText("");
        String message = e.at("/error/message").asText("");
        if (code.equals("response_cancel_not_active")) {
            // the answer to one of our cancels: the response had already ended (often cancelled by the
            // server's own turn detection first), which is what the cancel wanted
            if (phases.phase() == Phase.CANCELLING) {
                traceCancelConfirmed();
                toListening("cancel confirmed (the response had already ended)");
            }
        } else if (code.equals("session_expired")) {
            startRecovery(SESSION_MAX_DURATION, RecoveryPlan.PLANNED);
        } else {
            listener.serverError(code, message);
        }
    }

    private void ended(Conn c, int code, String reason) {
        synchronized (this) {
            if (c != current || closed) {
                return;
            }
            startRecovery(RecoveryPlan.NETWORK_SWITCH, RecoveryPlan.forReason(RecoveryPlan.NETWORK_SWITCH));
        }
    }

    // ---- interrupt ----------------------------------------------------------------------------

    private InterruptResult interrupt(String cause, long triggerNanos) {
        Phase p = phases.phase();
        if (p != Phase.SPEAKING && !(p == Phase.THINKING && responseId != null)) {
            return new InterruptResult.NothingActive();
        }
        String rid = responseId;
        String item = itemId;
        long end = Math.min(playedMs(clock.instant()), receivedBytes / BYTES_PER_MS);
        if (p == Phase.SPEAKING) {
            phases.transition(Phase.CANCELLING, cause);
            cancellingId = rid;
        }
        try {
            current.link.send(Json.write(event("response.cancel").put("response_id", rid)));
            long sentNanos = ticker.read();
            boolean truncate = end > 0 && item != null;
            if (truncate) {
                current.link.send(Json.write(event("conversation.item.truncate")
                        .put("item_id", item)
                        .put("content_index", 0)
                        .put("audio_end_ms", end)));
            }
            metrics.interrupt(false);
            var result = new InterruptResult.Cancelled(rid, item, truncate, truncate ? end : 0);
            if (transcript.length() > 0) {
                summary.add("assistant", transcript + " (interrupted by the user)");
                transcript = new StringBuilder();
            }
            if (tracing != null) {
                tracing.interrupt(cause, result, clock.instant());
            }
            listener.interruptSent(result, triggerNanos, sentNanos);
            return result;
        } catch (KeelException failure) {
            metrics.interrupt(true);
            var failed = new InterruptResult.SendFailed(rid, failure);
            if (tracing != null) {
                tracing.interrupt(cause, failed, clock.instant());
            }
            startRecovery(RecoveryPlan.NETWORK_SWITCH, RecoveryPlan.forReason(RecoveryPlan.NETWORK_SWITCH));
            return failed;
        }
    }

    private long playedMs(Instant now) {
        if (reportedPlayedMs >= 0) {
            return reportedPlayedMs;
        }
        if (config.playbackReported() || playbackStart == null) {
            return 0;
        }
        return Math.max(0, Duration.between(playbackStart, now).toMillis());
    }

    // ---- recovery -----------------------------------------------------------------------------

    /** Under the lock: RECOVERING now, the old link retired, the reconnect on the recovery executor. */
    private void startRecovery(String reason, RecoveryPlan plan) {
        if (recovering || closed) {
            return;
        }
        recovering = true;
        cancelPlanned();
        traceEnd("recovering", "the session reconnects (" + reason + ") during the turn");
        if (phases.phase() != Phase.RECOVERING) {
            phases.transition(Phase.RECOVERING, reason);
        }
        Conn old = current;
        current = null;
        recoveryExecutor.execute(() -> runRecovery(reason, plan, old));
    }

    private void runRecovery(String reason, RecoveryPlan plan, Conn old) {
        if (old != null && old.link != null && plan.rebuildPeer()) {
            old.link.abort(); // the old peer is being replaced; a drop of a dead link has nothing to report
        }
        Deadline deadline = Deadline.after(config.recoveryBudget(), ticker);
        boolean reissue = plan.reissueToken() || credentials.nearExpiry(clock.instant());
        boolean newToken = false;
        RuntimeException last = null;
        for (int attempt = 0; ; attempt++) {
            try {
                if (reissue) {
                    credentials.reissue();
                    reissue = false;
                    newToken = true;
                }
                Conn c = open(deadline.attemptTimeout(config.handshakeTimeout()));
                configure(c);
                String replayed = plan.replaySummary() ? summary.render() : "";
                if (!replayed.isEmpty()) {
                    c.link.send(Json.write(summaryItem(replayed)));
                }
                recovered(c, reason, plan, newToken, replayed);
                return;
            } catch (KeelException e) {
                last = e;
                reissue |= e.kind() == ErrorKind.AUTH || e.status() == 401 || e.status() == 403;
            } catch (RuntimeException e) { // a failed token rotation (counted by the broker)
                last = e;
            }
            Duration delay = config.backoff().delay(attempt, random);
            if (closed || !deadline.fits(delay)) {
                giveUp(reason, last);
                return;
            }
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveUp(reason, last);
                return;
            }
        }
    }

    private void recovered(Conn c, String reason, RecoveryPlan plan, boolean newToken, String replayed) {
        synchronized (this) {
            if (current != c) {
                return;
            }
            responseId = null;
            itemId = null;
            receivedBytes = 0;
            inputBytes = 0;
            chunks.clear();
            marks = null;
            cancellingId = null;
            turnPending = false;
            reconnects++;
            recovering = false;
            if (RecoveryPlan.isTransport(reason)) {
                metrics.transportReconnect();
            }
            phases.transition(Phase.LISTENING, "recovered (" + reason + ")");
            schedulePlannedReconnect();
        }
        listener.recovered(reason, plan, newToken, replayed);
    }

    private void giveUp(String reason, RuntimeException last) {
        synchronized (this) {
            closed = true;
            recovering = false;
        }
        listener.recoveryFailed(
                reason,
                last != null
                        ? last
                        : new IllegalStateException("realtime recovery (" + reason + ") ran out of its "
                                + config.recoveryBudget().toSeconds() + " s budget"));
    }

    private ObjectNode summaryItem(String text) {
        ObjectNode e = event("conversation.item.create");
        ObjectNode item = e.putObject("item");
        item.put("type", "message");
        item.put("role", "system");
        item.putArray("content").addObject().put("type", "input_text").put("text", text);
        return e;
    }

    private void schedulePlannedReconnect() {
        cancelPlanned();
        Duration in = config.maxSessionAge().minus(config.plannedReconnectLead());
        planned = scheduler.schedule(in, this::plannedReconnectDue);
    }

    private synchronized void plannedReconnectDue() {
        if (closed || recovering) {
            return;
        }
        if (phases.phase() == Phase.LISTENING) {
            startRecovery(SESSION_MAX_DURATION, RecoveryPlan.PLANNED);
        } else {
            reconnectWhenIdle = true;
        }
    }

    private void cancelPlanned() {
        if (planned != null) {
            try {
                planned.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not cancel the planned reconnect", e);
            }
            planned = null;
        }
    }

    private static ObjectNode event(String type) {
        return Json.object().put("type", type);
    }

    /** Builder for {@link SessionController}; not thread-safe. */
    public static final class Builder {
        private final RealtimeConnector connector;
        private final SessionCredentials credentials;
        private SessionConfig config = SessionConfig.ofDefaults();
        private SessionListener listener = SessionListener.NONE;
        private AudioSink sink = AudioSink.NONE;
        private RealtimeMetrics metrics;
        private InstantSource clock = InstantSource.system();
        private Ticker ticker = Ticker.SYSTEM;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private RandomGenerator random = new SplittableRandom();
        private Scheduler scheduler;
        private io.opentelemetry.api.OpenTelemetry otel;
        private Executor recoveryExecutor =
                r -> Thread.ofVirtual().name("keel-realtime-recovery").start(r);

        private Builder(RealtimeConnector connector, SessionCredentials credentials) {
            this.connector = connector;
            this.credentials = credentials;
        }

        public Builder config(SessionConfig v) {
            config = v;
            return this;
        }

        public Builder listener(SessionListener v) {
            listener = v;
            return this;
        }

        public Builder audioSink(AudioSink v) {
            sink = v;
            return this;
        }

        /** Where the realtime metrics go; default a private in-memory registry. */
        public Builder metrics(RealtimeMetrics v) {
            metrics = v;
            return this;
        }

        /** Wall clock for marks, token expiry and playback estimates (tests pass a fake one). */
        public Builder clock(InstantSource v) {
            clock = v;
            return this;
        }

        /** Monotonic clock for the recovery deadline and interrupt timing. */
        public Builder ticker(Ticker v) {
            ticker = v;
            return this;
        }

        /** How reconnect backoff waits (tests pass one that moves a fake clock). */
        public Builder sleeper(Sleeper v) {
            sleeper = v;
            return this;
        }

        public Builder random(RandomGenerator v) {
            random = v;
            return this;
        }

        /** Runs the planned reconnect; default a daemon thread. */
        public Builder scheduler(Scheduler v) {
            scheduler = v;
            return this;
        }

        /** Runs recoveries; default a virtual thread each (tests may run them inline). */
        public Builder recoveryExecutor(Executor v) {
            recoveryExecutor = v;
            return this;
        }

        /**
         * Traces every turn through {@code otel} (the application's SDK): a {@code realtime.turn} span
         * with a child span per latency segment (see docs/observability.md). Default: no tracing, and
         * nothing of OpenTelemetry runs.
         */
        public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry v) {
            otel = v;
            return this;
        }

        public SessionController build() {
            if (scheduler == null) {
                scheduler = Scheduler.system();
            }
            return new SessionController(this);
        }
    }
}
