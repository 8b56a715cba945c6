package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.RealtimeSettings;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One emulated Realtime session on one WebSocket (GA event names): server VAD on the energy of the
 * PCM16 24 kHz audio it receives, an automatic response after speech stops, synthetic answer audio
 * streamed at a configurable pace, cancel (by the client or by turn detection), truncate checked
 * against the audio actually sent, and expiry after the maximum session duration. Every method is
 * synchronized, so events leave in a consistent order. Thread-safe.
 */
final class RealtimeConversation {

    /** Where server events go. */
    interface Out {
        void send(ObjectNode event);

        void close(int code, String reason);
    }

    static final int SAMPLE_RATE = 24_000;
    private static final int FRAME_MS = 10;
    private static final int CHUNK_MS = 100;
    /** RMS (as a fraction of full scale) that counts as speech at {@code threshold} 1.0; 0.5 gives 0.02 (≈ −34 dBFS). */
    private static final double LEVEL_PER_THRESHOLD = 0.04;

    private final String sessionId;
    private final ObjectNode session;
    private final RealtimeSettings settings;
    private final ScheduledExecutorService scheduler;
    private final Out out;
    private final ScheduledFuture<?> expiry;

    /** Input audio received, in samples; VAD state over it. */
    private long inputSamples;

    private boolean inSpeech;
    private long silenceSamples;
    private String userItemId;
    private String lastItemId;
    private int turns;
    /** Odd bytes left over between appends (PCM16 samples split across events). */
    private int pendingByte = -1;

    private Answer active;
    /** Audio ms sent per assistant item, for truncate. */
    private final Map<String, Long> sentAudioMs = new HashMap<>();

    private boolean closed;

    /** The response being streamed. */
    private final class Answer {
        final String id = Ids.alnum("resp_");
        final String itemId = Ids.alnum("item_");
        final String[] words;
        final long totalMs = settings.answerDuration().toMillis();
        long sentMs;
        int wordsSent;
        ScheduledFuture<?> next;

        Answer(int turn) {
            words = ("This is emulated answer number " + turn + " from the keel realtime emulator.").split(" ");
        }
    }

    RealtimeConversation(ObjectNode session, RealtimeSettings settings, ScheduledExecutorService scheduler, Out out) {
        this.session = session;
        this.sessionId = session.path("id").asText();
        this.settings = settings;
        this.scheduler = scheduler;
        this.out = out;
        emit(event("session.created").set("session", session.deepCopy()));
        long maxMs = settings.maxSessionDuration().toMillis();
        this.expiry = scheduler.schedule(this::expire, maxMs, TimeUnit.MILLISECONDS);
    }

    String sessionId() {
        return sessionId;
    }

    /** Handles one client message. */
    synchronized void onMessage(String text) {
        if (closed) {
            return;
        }
        JsonNode e;
        try {
            e = Json.parse(text);
        } catch (JsonSyntaxException ex) {
            error(
                    "invalid_request_error",
                    "invalid_json",
                    "The event is not valid JSON: " + ex.getMessage(),
                    null,
                    null);
            return;
        }
        String eventId = e.path("event_id").isTextual() ? e.get("event_id").asText() : null;
        switch (e.path("type").asText("")) {
            case "session.update" -> updateSession(e.path("session"), eventId);
            case "input_audio_buffer.append" -> append(e.path("audio"), eventId);
            case "input_audio_buffer.commit" -> commit();
            case "input_audio_buffer.clear" -> {
                inSpeech = false;
                silenceSamples = 0;
                emit(event("input_audio_buffer.cleared"));
            }
            case "conversation.item.create" -> createItem(e.path("item"), eventId);
            case "conversation.item.truncate" -> truncate(e, eventId);
            case "response.create" -> {
                if (active != null) {
                    error(
                            "invalid_request_error",
                            "conversation_already_has_active_response",
                            "Conversation already has an active response in progress: " + active.id + ".",
                            null,
                            eventId);
                } else {
                    startAnswer();
                }
            }
            case "response.cancel" -> cancelByClient(e, eventId);
            case "" -> error("invalid_request_error", "missing_required_parameter", "Missing 'type'.", "type", eventId);
            default ->
                error(
                        "invalid_request_error",
                        "invalid_value",
                        "Invalid value: '" + e.path("type").asText() + "'. Unknown client event type.",
                        "type",
                        eventId);
        }
    }

    /** The socket closed: stop streaming and the expiry timer. */
    synchronized void onClosed() {
        closed = true;
        expiry.cancel(false);
        if (active != null && active.next != null) {
            active.next.cancel(false);
        }
        active = null;
    }

    private void updateSession(JsonNode requested, String eventId) {
        if (!requested.isObject()) {
            error("invalid_request_error", "missing_required_parameter", "Missing 'session'.", "session", eventId);
            return;
        }
        if (requested.has("instructions")) {
            session.put("instructions", requested.path("instructions").asText());
        }
        JsonNode voice = requested.at("/audio/output/voice");
        if (voice.isTextual()) {
            ((ObjectNode) session.at("/audio/output")).put("voice", voice.asText());
        }
        JsonNode td = requested.at("/audio/input/turn_detection");
        if (td.isObject()) {
            ((ObjectNode) session.at("/audio/input/turn_detection")).setAll((ObjectNode) td);
        }
        emit(event("session.updated").set("session", session.deepCopy()));
    }

    private void append(JsonNode audio, String eventId) {
        byte[] pcm;
        try {
            pcm = Base64.getDecoder().decode(audio.asText(""));
        } catch (IllegalArgumentException ex) {
            error("invalid_request_error", "invalid_value", "Invalid 'audio': not base64.", "audio", eventId);
            return;
        }
        short[] samples = samples(pcm);
        int frame = SAMPLE_RATE * FRAME_MS / 1000;
        for (int i = 0; i < samples.length; i += frame) {
            int n = Math.min(frame, samples.length - i);
            vadFrame(rms(samples, i, n) >= level(), n);
        }
    }

    private short[] samples(byte[] pcm) {
        byte[] bytes = pcm;
        if (pendingByte >= 0) {
            bytes = new byte[pcm.length + 1];
            bytes[0] = (byte) pendingByte;
            System.arraycopy(pcm, 0, bytes, 1, pcm.length);
        }
        pendingByte = bytes.length % 2 == 1 ? bytes[bytes.length - 1] & 0xff : -1;
        short[] s = new short[bytes.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] << 8));
        }
        return s;
    }

    private static double rms(short[] s, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / Math.max(1, n)) / 32768.0;
    }

    private double level() {
        return turnDetection().path("threshold").asDouble(0.5) * LEVEL_PER_THRESHOLD;
    }

    private JsonNode turnDetection() {
        return session.at("/audio/input/turn_detection");
    }

    private boolean vadOn() {
        return turnDetection().isObject();
    }

    private void vadFrame(boolean speech, int samples) {
        long frameStartMs = inputSamples * 1000 / SAMPLE_RATE;
        inputSamples += samples;
        if (!vadOn()) {
            return;
        }
        if (speech) {
            silenceSamples = 0;
            if (!inSpeech) {
                speechStarted(frameStartMs);
            }
        } else if (inSpeech) {
            silenceSamples += samples;
            long silenceMs = silenceSamples * 1000 / SAMPLE_RATE;
            if (silenceMs >= turnDetection().path("silence_duration_ms").asLong(500)) {
                speechStopped(inputSamples * 1000 / SAMPLE_RATE);
            }
        }
    }

    private void speechStarted(long atMs) {
        inSpeech = true;
        userItemId = Ids.alnum("item_");
        long padding = turnDetection().path("prefix_padding_ms").asLong(300);
        emit(event("input_audio_buffer.speech_started")
                .put("audio_start_ms", Math.max(0, atMs - padding))
                .put("item_id", userItemId));
        if (active != null && turnDetection().path("interrupt_response").asBoolean(true)) {
            finish(active, "cancelled", "turn_detected");
        }
    }

    private void speechStopped(long atMs) {
        inSpeech = false;
        silenceSamples = 0;
        emit(event("input_audio_buffer.speech_stopped")
                .put("audio_end_ms", atMs)
                .put("item_id", userItemId));
        commitUserItem();
        if (turnDetection().path("create_response").asBoolean(true) && active == null) {
            startAnswer();
        }
    }

    private void commit() {
        if (userItemId == null || inSpeech) {
            userItemId = Ids.alnum("item_");
        }
        inSpeech = false;
        commitUserItem();
    }

    private void commitUserItem() {
        ObjectNode committed = event("input_audio_buffer.committed");
        if (lastItemId == null) {
            committed.putNull("previous_item_id");
        } else {
            committed.put("previous_item_id", lastItemId);
        }
        committed.put("item_id", userItemId);
        emit(committed);
        ObjectNode item = Json.object()
                .put("id", userItemId)
                .put("object", "realtime.item")
                .put("type", "message")
                .put("status", "completed")
                .put("role", "user");
        item.putArray("content").addObject().put("type", "input_audio");
        itemAdded(item);
    }

    private void createItem(JsonNode item, String eventId) {
        if (!item.isObject() || !item.path("type").isTextual()) {
            error("invalid_request_error", "missing_required_parameter", "Missing 'item.type'.", "item.type", eventId);
            return;
        }
        ObjectNode stored = ((ObjectNode) item).deepCopy();
        if (!stored.has("id")) {
            stored.put("id", Ids.alnum("item_"));
        }
        stored.put("object", "realtime.item");
        stored.put("status", "completed");
        itemAdded(stored);
    }

    private void itemAdded(ObjectNode item) {
        ObjectNode added = event("conversation.item.added");
        if (lastItemId == null) {
            added.putNull("previous_item_id");
        } else {
            added.put("previous_item_id", lastItemId);
        }
        added.set("item", item);
        emit(added);
        ObjectNode done = event("conversation.item.done");
        done.put("previous_item_id", lastItemId);
        done.set("item", item.deepCopy());
        emit(done);
        lastItemId = item.path("id").asText();
    }

    private void startAnswer() {
        var a = new Answer(++turns);
        active = a;
        emit(event("response.created").set("response", response(a, "in_progress", null)));
        ObjectNode added =
                event("response.output_item.added").put("response_id", a.id).put("output_index", 0);
        added.set("item", assistantItem(a, "in_progress"));
        emit(added);
        ObjectNode part = event("response.content_part.added")
                .put("response_id", a.id)
                .put("item_id", a.itemId)
                .put("output_index", 0)
                .put("content_index", 0);
        part.putObject("part").put("type", "audio").put("transcript", "");
        emit(part);
        sentAudioMs.put(a.itemId, 0L);
        streamChunk(a);
    }

    private synchronized void streamChunk(Answer a) {
        if (closed || active != a) {
            return;
        }
        long ms = Math.min(CHUNK_MS, a.totalMs - a.sentMs);
        emit(delta("response.output_audio.delta", a).put("delta", SyntheticAudio.tone(a.sentMs, ms)));
        a.sentMs += ms;
        sentAudioMs.put(a.itemId, a.sentMs);
        int wordsDue = (int) Math.ceil(a.words.length * (double) a.sentMs / a.totalMs);
        while (a.wordsSent < wordsDue) {
            String word = (a.wordsSent == 0 ? "" : " ") + a.words[a.wordsSent++];
            emit(delta("response.output_audio_transcript.delta", a).put("delta", word));
        }
        if (a.sentMs >= a.totalMs) {
            finish(a, "completed", null);
            return;
        }
        long delayMicros = Math.round(ms * 1000 / settings.audioPace());
        a.next = scheduler.schedule(() -> streamChunk(a), delayMicros, TimeUnit.MICROSECONDS);
    }

    private void cancelByClient(JsonNode e, String eventId) {
        String id = e.path("response_id").isTextual() ? e.get("response_id").asText() : null;
        if (active == null || (id != null && !id.equals(active.id))) {
            error(
                    "invalid_request_error",
                    "response_cancel_not_active",
                    "Cancellation failed: no active response found" + (id == null ? "." : " with id " + id + "."),
                    "response_id",
                    eventId);
            return;
        }
        finish(active, "cancelled", "client_cancelled");
    }

    private void finish(Answer a, String status, String reason) {
        if (a.next != null) {
            a.next.cancel(false);
        }
        active = null;
        String transcript = String.join(" ", java.util.Arrays.copyOf(a.words, a.wordsSent));
        if (status.equals("completed")) {
            emit(delta("response.output_audio.done", a));
            emit(delta("response.output_audio_transcript.done", a).put("transcript", transcript));
            ObjectNode partDone = delta("response.content_part.done", a);
            partDone.putObject("part").put("type", "audio").put("transcript", transcript);
            emit(partDone);
        }
        ObjectNode itemDone =
                event("response.output_item.done").put("response_id", a.id).put("output_index", 0);
        itemDone.set("item", assistantItem(a, status.equals("completed") ? "completed" : "incomplete"));
        emit(itemDone);
        lastItemId = a.itemId;
        emit(event("response.done").set("response", response(a, status, reason)));
    }

    private void truncate(JsonNode e, String eventId) {
        String itemId = e.path("item_id").asText("");
        long endMs = e.path("audio_end_ms").asLong(-1);
        Long sent = sentAudioMs.get(itemId);
        if (sent == null) {
            error(
                    "invalid_request_error",
                    "item_not_found",
                    "Only model output audio messages can be truncated; no such item: '" + itemId + "'.",
                    "item_id",
                    eventId);
        } else if (endMs < 0 || e.path("content_index").asInt(0) != 0) {
            error(
                    "invalid_request_error",
                    "invalid_value",
                    "Invalid 'audio_end_ms' or 'content_index'.",
                    "audio_end_ms",
                    eventId);
        } else if (endMs > sent) {
            error(
                    "invalid_request_error",
                    "invalid_value",
                    "Audio content of " + sent + "ms is already shorter than " + endMs + "ms",
                    "audio_end_ms",
                    eventId);
        } else {
            sentAudioMs.put(itemId, endMs);
            emit(event("conversation.item.truncated")
                    .put("item_id", itemId)
                    .put("content_index", 0)
                    .put("audio_end_ms", endMs));
        }
    }

    private synchronized void expire() {
        if (closed) {
            return;
        }
        String limit = human(settings.maxSessionDuration());
        String message = "Your session hit the maximum duration of " + limit + ".";
        error("invalid_request_error", "session_expired", message, null, null);
        onClosed();
        out.close(1001, message);
    }

    private static String human(Duration d) {
        return d.toSeconds() >= 60 && d.toSeconds() % 60 == 0 ? d.toMinutes() + " minutes" : d.toMillis() + " ms";
    }

    private ObjectNode response(Answer a, String status, String reason) {
        ObjectNode r =
                Json.object().put("object", "realtime.response").put("id", a.id).put("status", status);
        if (reason != null) {
            r.putObject("status_details").put("type", status).put("reason", reason);
        }
        var output = r.putArray("output");
        if (!status.equals("in_progress")) {
            output.add(assistantItem(a, status.equals("completed") ? "completed" : "incomplete"));
        }
        r.put("conversation_id", "conv_" + sessionId.substring(Math.min(5, sessionId.length())));
        r.putArray("output_modalities").add("audio");
        r.put("max_output_tokens", "inf");
        ObjectNode audio = r.putObject("audio").putObject("output");
        audio.putObject("format").put("type", "audio/pcm").put("rate", SAMPLE_RATE);
        audio.put("voice", session.at("/audio/output/voice").asText("alloy"));
        if (!status.equals("in_progress")) {
            r.putObject("usage").put("total_tokens", 0).put("input_tokens", 0).put("output_tokens", 0);
        }
        return r;
    }

    private ObjectNode assistantItem(Answer a, String status) {
        ObjectNode item = Json.object()
                .put("id", a.itemId)
                .put("object", "realtime.item")
                .put("type", "message")
                .put("status", status)
                .put("role", "assistant");
        var content = item.putArray("content");
        if (!status.equals("in_progress")) {
            content.addObject()
                    .put("type", "output_audio")
                    .put("transcript", String.join(" ", java.util.Arrays.copyOf(a.words, a.wordsSent)));
        }
        return item;
    }

    private ObjectNode delta(String type, Answer a) {
        return event(type)
                .put("response_id", a.id)
                .put("item_id", a.itemId)
                .put("output_index", 0)
                .put("content_index", 0);
    }

    private ObjectNode event(String type) {
        return Json.object().put("event_id", Ids.alnum("event_")).put("type", type);
    }

    private void error(String type, String code, String message, String param, String eventId) {
        ObjectNode e = event("error");
        ObjectNode err = e.putObject("error");
        err.put("type", type);
        err.put("code", code);
        err.put("message", message);
        err.put("param", param);
        err.put("event_id", eventId);
        emit(e);
    }

    private void emit(ObjectNode event) {
        if (!closed) {
            out.send(event);
        }
    }
}
