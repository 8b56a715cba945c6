package dev.keel.realtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.realtime.latency.Segment;
import dev.keel.realtime.latency.TurnLatency;
import dev.keel.realtime.latency.TurnVerdict;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The controller's rules with a fake clock and an in-memory peer: interrupts, recovery, planned reconnect, latency. */
class SessionControllerTest {

    private final FakeClock clock = new FakeClock();
    private final FakeScheduler scheduler = new FakeScheduler(clock);
    private final ScriptedServer server = new ScriptedServer();
    private final List<Runnable> recoveries = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<TurnVerdict> verdicts = new ArrayList<>();
    private final List<TurnLatency> measured = new ArrayList<>();
    private final Credentials credentials = new Credentials();
    private SessionConfig config = SessionConfig.ofDefaults().withInstructions("Be brief.");

    /** Ephemeral tokens ek_1, ek_2, …; near expiry when the test says so. */
    static final class Credentials implements SessionCredentials {
        int issued = 1;
        boolean nearExpiry;

        @Override
        public String bearer() {
            return "ek_" + issued;
        }

        @Override
        public boolean nearExpiry(Instant now) {
            return nearExpiry;
        }

        @Override
        public void reissue() {
            issued++;
            nearExpiry = false;
        }
    }

    private final SessionListener listener = new SessionListener() {
        @Override
        public void recovered(String reason, RecoveryPlan plan, boolean newToken, String summary) {
            events.add("recovered " + reason + " newToken=" + newToken + " summary=" + !summary.isEmpty());
        }

        @Override
        public void recoveryFailed(String reason, RuntimeException lastFailure) {
            events.add("failed " + reason);
        }

        @Override
        public void turnMeasured(TurnLatency latency, TurnVerdict verdict) {
            measured.add(latency);
            verdicts.add(verdict);
        }
    };

    private SessionController start() {
        var c = SessionController.builder(server, credentials)
                .config(config)
                .listener(listener)
                .clock(clock)
                .ticker(clock)
                .sleeper(clock::advance)
                .random(new SplittableRandom(7))
                .scheduler(scheduler)
                .recoveryExecutor(recoveries::add)
                .build();
        c.start();
        return c;
    }

    private void runRecoveries() {
        while (!recoveries.isEmpty()) {
            recoveries.remove(0).run();
        }
    }

    private SessionController speaking(int audioMs) {
        var c = start();
        server.answer("resp_1", "item_1", audioMs);
        assertThat(c.phase()).isEqualTo(Phase.SPEAKING);
        return c;
    }

    @Test
    void start_connectsConfiguresAndListens() {
        var c = start();
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(server.types()).containsExactly("session.update");
        assertThat(server.received.get(0).at("/session/instructions").asText()).isEqualTo("Be brief.");
        assertThat(server.received.get(0).at("/session/audio/output/voice").asText())
                .isEqualTo("alloy");
        assertThat(c.snapshot().sessionId()).isEqualTo("sess_1");
        assertThat(c.timeline()).extracting(PhaseChange::to).containsExactly(Phase.LISTENING);
    }

    @Test
    void turn_tracksIdsAndAudio_andCompletesBackToListening() {
        var c = speaking(700);
        var s = c.snapshot();
        assertThat(s.responseId()).isEqualTo("resp_1");
        assertThat(s.conversationId()).isEqualTo("conv_1");
        assertThat(s.itemId()).isEqualTo("item_1");
        assertThat(s.audioReceivedMs()).isEqualTo(700);
        assertThat(s.lastAckEventId()).isEqualTo("ev_a");
        server.done("resp_1", "completed");
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(c.snapshot().responseId()).isNull();
        assertThat(c.timeline())
                .extracting(PhaseChange::to)
                .containsExactly(Phase.LISTENING, Phase.THINKING, Phase.SPEAKING, Phase.LISTENING);
    }

    @Test
    void appendAudio_countsSequenceNumbers() {
        var c = start();
        c.appendAudio(new byte[480], clock.instant());
        c.appendAudio(new byte[480], clock.instant());
        assertThat(c.snapshot().lastUserAudioSeq()).isEqualTo(2);
        assertThat(server.ofType("input_audio_buffer.append")).hasSize(2);
    }

    @Test
    void interrupt_withNoActiveResponse_sendsNothingAndStaysListening() {
        var c = start();
        assertThat(c.interrupt()).isEqualTo(new InterruptResult.NothingActive());
        assertThat(server.types()).containsExactly("session.update");
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
    }

    @Test
    void interrupt_whileSpeaking_cancelsThenTruncatesAtThePlayedAudio_andListensOnConfirmation() {
        var c = speaking(1000);
        clock.advance(Duration.ofMillis(300));
        var result = c.interrupt();
        assertThat(result).isEqualTo(new InterruptResult.Cancelled("resp_1", "item_1", true, 300));
        assertThat(c.phase()).isEqualTo(Phase.CANCELLING);
        assertThat(server.types()).endsWith("response.cancel", "conversation.item.truncate");
        assertThat(server.ofType("response.cancel").get(0).get("response_id").asText())
                .isEqualTo("resp_1");
        var truncate = server.ofType("conversation.item.truncate").get(0);
        assertThat(truncate.get("item_id").asText()).isEqualTo("item_1");
        assertThat(truncate.get("audio_end_ms").asLong()).isEqualTo(300);
        assertThat(truncate.get("content_index").asInt()).isZero();
        server.audio("resp_1", "item_1", 100); // in flight before the cancel landed: never played
        assertThat(c.snapshot().audioReceivedMs()).isEqualTo(1000);
        server.done("resp_1", "cancelled");
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(c.snapshot().responseId()).isNull();
    }

    @Test
    void interrupt_playedLongerThanReceived_isClampedToTheAudioReceived() {
        var c = speaking(200);
        clock.advance(Duration.ofMillis(900));
        var result = (InterruptResult.Cancelled) c.interrupt();
        assertThat(result.audioEndMs()).isEqualTo(200);
        assertThat(server.ofType("conversation.item.truncate")
                        .get(0)
                        .get("audio_end_ms")
                        .asLong())
                .isEqualTo(200);
    }

    @Test
    void interrupt_beforeAnythingPlayed_cancelsWithoutTruncate() {
        var c = speaking(500);
        var result = (InterruptResult.Cancelled) c.interrupt();
        assertThat(result.truncated()).isFalse();
        assertThat(server.types()).contains("response.cancel").doesNotContain("conversation.item.truncate");
    }

    @Test
    void interrupt_reportedPlayback_winsOverTheRealTimeEstimate() {
        config = config.withPlaybackReported(true);
        var c = speaking(1000);
        clock.advance(Duration.ofMillis(800));
        assertThat(((InterruptResult.Cancelled) speakingInterrupt(c, 0)).truncated())
                .isFalse();
    }

    private InterruptResult speakingInterrupt(SessionController c, long reported) {
        if (reported > 0) {
            c.reportPlayback("item_1", reported);
        }
        return c.interrupt();
    }

    @Test
    void interrupt_reportedProgress_isTheTruncatePoint() {
        config = config.withPlaybackReported(true);
        var c = speaking(1000);
        clock.advance(Duration.ofMillis(800));
        assertThat(((InterruptResult.Cancelled) speakingInterrupt(c, 120)).audioEndMs())
                .isEqualTo(120);
    }

    @Test
    void speechStarted_whileSpeaking_interruptsByItself() {
        var c = speaking(1000);
        clock.advance(Duration.ofMillis(250));
        server.push("{\"type\":\"input_audio_buffer.speech_started\",\"audio_start_ms\":900}");
        assertThat(c.phase()).isEqualTo(Phase.CANCELLING);
        assertThat(server.ofType("conversation.item.truncate")
                        .get(0)
                        .get("audio_end_ms")
                        .asLong())
                .isEqualTo(250);
        // the server had already cancelled it on turn detection: the cancel is answered with an error
        server.done("resp_1", "cancelled");
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
    }

    @Test
    void nextTurn_endingBeforeTheCancelIsConfirmed_startsOnceTheNextResponseDoes() {
        var c = speaking(1000);
        clock.advance(Duration.ofMillis(100));
        c.interrupt();
        server.push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":0}");
        assertThat(c.phase()).isEqualTo(Phase.CANCELLING);
        server.push("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_2\"}}");
        assertThat(c.phase()).isEqualTo(Phase.THINKING);
        server.push("{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"item_2\"}}");
        server.audio("resp_2", "item_2", 100);
        assertThat(c.phase()).isEqualTo(Phase.SPEAKING);
        server.done("resp_1", "cancelled"); // the old response's late confirmation changes nothing
        assertThat(c.phase()).isEqualTo(Phase.SPEAKING);
        assertThat(c.snapshot().responseId()).isEqualTo("resp_2");
        assertThat(c.timeline())
                .extracting(PhaseChange::to)
                .containsSubsequence(Phase.CANCELLING, Phase.LISTENING, Phase.THINKING, Phase.SPEAKING);
    }

    @Test
    void outOfOrderEvent_isDroppedAndTheSessionGoesOn() {
        var c = start();
        server.push("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_x\"}}");
        server.push("{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"item_x\"}}");
        server.audio("resp_x", "item_x", 100); // audio while LISTENING: not played, no transition
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(c.metrics().illegalTransitions()).isZero();
    }

    @Test
    void cancelNotActiveError_whileCancelling_confirmsTheCancel() {
        var c = speaking(1000);
        c.interrupt();
        server.push("{\"type\":\"error\",\"error\":{\"code\":\"response_cancel_not_active\",\"message\":\"x\"}}");
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
    }

    @Test
    void interrupt_sendFails_goesRecoveringKeepingTheResponseId_thenRecoversWithSummaryAndTheSameToken() {
        var c = speaking(1000);
        c.addToSummary("user", "What is the weather?");
        server.failSends = true;
        var result = c.interrupt();
        assertThat(result).isInstanceOf(InterruptResult.SendFailed.class);
        assertThat(c.phase()).isEqualTo(Phase.RECOVERING);
        assertThat(c.snapshot().responseId()).isEqualTo("resp_1");
        assertThat(c.metrics().interruptFailRate()).isEqualTo(1.0);
        server.failSends = false;
        runRecoveries();
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(c.snapshot().responseId()).isNull();
        assertThat(events).containsExactly("recovered network_switch newToken=false summary=true");
        assertThat(server.bearers).containsExactly("ek_1", "ek_1");
        var replay = server.ofType("conversation.item.create");
        assertThat(replay).hasSize(1);
        assertThat(replay.get(0).at("/item/content/0/text").asText()).contains("user: What is the weather?");
    }

    @Test
    void recover_tokenExpired_reissuesAndReplays_default_reissuesWithoutSummary() {
        var c = start();
        c.addToSummary("user", "hello");
        assertThat(c.recover("token_expired")).isEqualTo(new RecoveryPlan(true, true, true));
        runRecoveries();
        assertThat(server.bearers).containsExactly("ek_1", "ek_2");
        assertThat(server.ofType("conversation.item.create")).hasSize(1);
        c.recover("response_order_broken");
        runRecoveries();
        assertThat(server.bearers).containsExactly("ek_1", "ek_2", "ek_3");
        assertThat(server.ofType("conversation.item.create")).hasSize(1);
        assertThat(events)
                .containsExactly(
                        "recovered token_expired newToken=true summary=true",
                        "recovered response_order_broken newToken=true summary=false");
        assertThat(c.snapshot().reconnects()).isEqualTo(2);
    }

    @Test
    void recover_transportBlipWithTheTokenNearExpiry_rotatesItFirst() {
        var c = start();
        credentials.nearExpiry = true;
        c.recover("ice_failed");
        runRecoveries();
        assertThat(server.bearers).containsExactly("ek_1", "ek_2");
        assertThat(c.metrics().transportReconnects(15)).isEqualTo(1);
    }

    @Test
    void droppedConnection_recoversAsANetworkSwitch() {
        var c = start();
        server.drop();
        assertThat(c.phase()).isEqualTo(Phase.RECOVERING);
        assertThat(c.appendAudio(new byte[480], clock.instant())).isFalse();
        runRecoveries();
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(c.snapshot().sessionId()).isEqualTo("sess_2");
    }

    @Test
    void recovery_connectFailures_backOffWithinTheBudgetThenSucceed_a401GetsANewToken() {
        var c = start();
        server.failConnects = 2;
        server.failConnectsWithStatus = 401;
        Instant before = clock.instant();
        c.recover("network_switch");
        runRecoveries();
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(server.bearers).containsExactly("ek_1", "ek_1", "ek_2", "ek_3");
        assertThat(Duration.between(before, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void recovery_neverConnecting_givesUpWhenTheBudgetIsSpent() {
        config = config.withRecoveryBudget(Duration.ofSeconds(5));
        var c = start();
        server.failConnects = 1_000;
        Instant before = clock.instant();
        c.recover("network_switch");
        runRecoveries();
        assertThat(events).containsExactly("failed network_switch");
        assertThat(server.bearers.size()).isGreaterThan(3);
        assertThat(Duration.between(before, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(c.phase()).isEqualTo(Phase.RECOVERING);
    }

    @Test
    void plannedReconnect_firesBeforeTheSessionLimit_withANewTokenAndTheSummary() {
        var c = start();
        c.addToSummary("user", "remember me");
        scheduler.advance(Duration.ofMinutes(54).plusSeconds(59));
        assertThat(recoveries).isEmpty();
        scheduler.advance(Duration.ofSeconds(1));
        runRecoveries();
        assertThat(events).containsExactly("recovered session_max_duration newToken=true summary=true");
        assertThat(scheduler.pending()).isEqualTo(1);
    }

    @Test
    void plannedReconnect_dueWhileSpeaking_waitsForTheTurnToEnd() {
        var c = speaking(500);
        server.push(
                "{\"type\":\"response.output_audio_transcript.delta\",\"response_id\":\"resp_1\",\"delta\":\"Hi\"}");
        scheduler.advance(Duration.ofMinutes(55));
        assertThat(recoveries).isEmpty();
        assertThat(c.phase()).isEqualTo(Phase.SPEAKING);
        server.done("resp_1", "completed");
        assertThat(c.phase()).isEqualTo(Phase.RECOVERING);
        runRecoveries();
        assertThat(events).containsExactly("recovered session_max_duration newToken=true summary=true");
    }

    @Test
    void sessionExpiredError_reconnectsAsPlanned() {
        var c = start();
        server.push("{\"type\":\"error\",\"error\":{\"code\":\"session_expired\",\"message\":\"limit\"}}");
        assertThat(c.phase()).isEqualTo(Phase.RECOVERING);
        runRecoveries();
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
    }

    @Test
    void answerEndingBeforeAnyAudio_resetsTheTurnThroughRecovering() {
        var c = start();
        server.push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":0}");
        server.push("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_9\"}}");
        server.done("resp_9", "cancelled");
        assertThat(c.phase()).isEqualTo(Phase.LISTENING);
        assertThat(c.timeline())
                .extracting(PhaseChange::to)
                .containsExactly(Phase.LISTENING, Phase.THINKING, Phase.RECOVERING, Phase.LISTENING);
        assertThat(recoveries).isEmpty();
    }

    @Test
    void turnLatency_mapsTheServersSpeechEndBackToCaptureTimes_andNamesTheSegmentThatOverran() {
        var c = start();
        Instant captured = clock.instant();
        clock.advance(Duration.ofMillis(40));
        c.appendAudio(new byte[400 * 48], captured); // 0-400 ms of speech, handed 40 ms after capture
        clock.advance(Duration.ofMillis(20));
        c.appendAudio(new byte[200 * 48], clock.instant()); // 400-600 ms of silence: lets the server decide
        clock.advance(Duration.ofMillis(60));
        server.push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":600}");
        clock.advance(Duration.ofMillis(800));
        server.push("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}");
        server.push("{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"item_1\"}}");
        server.audio("resp_1", "item_1", 100);
        assertThat(measured).hasSize(1);
        var t = measured.get(0).segments();
        assertThat(t.get(Segment.CAPTURE)).isEqualTo(Duration.ofMillis(40));
        assertThat(t.get(Segment.UPLINK)).isEqualTo(Duration.ofMillis(60));
        assertThat(t.get(Segment.INFERENCE)).isEqualTo(Duration.ofMillis(800));
        assertThat(t.get(Segment.E2E)).isEqualTo(Duration.ofMillis(920));
        assertThat(verdicts.get(0).describe()).isEqualTo("OVER: inference");
    }
}
