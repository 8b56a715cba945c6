package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPolicyTest {

    private final ReplayPolicy policy = ReplayPolicy.ofDefaults();

    @Test
    void onlyRateLimitTimeoutAndServerErrorAreRetryable() {
        assertThat(policy.classify("rate_limit_exceeded")).isEqualTo(FailureClass.RATE_LIMIT);
        assertThat(policy.classify("batch_expired")).isEqualTo(FailureClass.TIMEOUT);
        assertThat(policy.classify("server_error")).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(policy.classify("insufficient_quota")).isEqualTo(FailureClass.FINAL);
        assertThat(policy.classify("invalid_request_error")).isEqualTo(FailureClass.FINAL);
        assertThat(policy.classify("something_new")).isEqualTo(FailureClass.FINAL);
        assertThat(policy.retryable(null)).isFalse();
    }

    @Test
    void aFailureFallsBackFromCodeToTypeToStatus() {
        assertThat(policy.classify(new LineOutcome.Failure("a", "weird_code", "server_error", 500, null)))
                .isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(policy.classify(new LineOutcome.Failure("a", "weird_code", "weird_type", 503, null)))
                .isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(policy.classify(new LineOutcome.Failure("a", "insufficient_quota", "insufficient_quota", 429, null)))
                .isEqualTo(FailureClass.FINAL);
    }

    @Test
    void overridesAreValidated() {
        assertThat(policy.with(List.of("overloaded=server_error")).classify("overloaded"))
                .isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(policy.with(List.of("batch_expired=final")).retryable("batch_expired"))
                .isFalse();
        assertThatThrownBy(() -> policy.with(List.of("nope"))).hasMessageContaining("must be CODE=CLASS");
        assertThatThrownBy(() -> policy.with(List.of("x=later"))).hasMessageContaining("rate_limit, timeout");
    }

    @Test
    void resultFilesAreMatchedByCustomIdWhateverTheOrderAndSuccessWins() {
        String out = """
                {"id":"batch_req_2","custom_id":"b","response":{"status_code":200,"request_id":"req_2","body":{"usage":{"input_tokens":3,"output_tokens":4}}},"error":null}
                {"id":"batch_req_1","custom_id":"a","response":{"status_code":429,"request_id":"req_1","body":{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}},"error":null}
                not json
                """;
        String err = """
                {"id":"batch_req_3","custom_id":"c","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}
                {"id":"batch_req_4","custom_id":"b","response":{"status_code":500,"request_id":"req_4","body":{"error":{"type":"server_error"}}},"error":null}
                """;
        var lines = new HashMap<String, LineOutcome>();
        assertThat(ResultFiles.read(out.getBytes(StandardCharsets.UTF_8), lines))
                .isEqualTo(1);
        ResultFiles.read(err.getBytes(StandardCharsets.UTF_8), lines);
        assertThat(lines.get("b")).isInstanceOf(LineOutcome.Success.class);
        var a = (LineOutcome.Failure) lines.get("a");
        assertThat(a.code()).isEqualTo("rate_limit_exceeded");
        assertThat(a.statusCode()).isEqualTo(429);
        assertThat(((LineOutcome.Failure) lines.get("c")).code()).isEqualTo("batch_expired");
        assertThat(policy.classify((LineOutcome.Failure) lines.get("c")).retryable())
                .isTrue();
    }
}
