package dev.keel.core.tools;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import java.util.List;

/**
 * A {@link ToolLoop} run failed: at which step, in which tool (null when the model call failed or
 * the step limit was reached), why (the cause, whose kind, status, request id and error code this
 * exception carries), and which tool calls had already run and are recorded ({@code
 * s<step>-<tool>-<n>}): a re-run after the cause is fixed replays their stored results instead of
 * running them again. Immutable.
 */
public final class ToolLoopException extends KeelException {

    private static final long serialVersionUID = 1L;

    private final int step;
    private final String tool;
    private final List<String> recordedTools;

    private ToolLoopException(
            String message, KeelException cause, ErrorKind kind, int step, String tool, List<String> recordedTools) {
        super(KeelException.of(kind, message)
                .status(cause == null ? 0 : cause.status())
                .requestId(cause == null ? null : cause.requestId())
                .errorCode(cause == null ? null : cause.errorCode())
                .attempts(cause == null ? 0 : cause.attempts())
                .cause(cause));
        this.step = step;
        this.tool = tool;
        this.recordedTools = List.copyOf(recordedTools);
    }

    /** The model call of {@code step} failed. */
    static ToolLoopException modelCallFailed(String workflow, int step, KeelException cause, List<String> recorded) {
        return new ToolLoopException(
                "the tool loop for " + workflow + " failed at step " + step + " calling the model: "
                        + cause.getMessage() + recordedNote(recorded),
                cause,
                cause.kind(),
                step,
                null,
                recorded);
    }

    /** Critical tool {@code tool} failed at {@code step}. */
    static ToolLoopException toolFailed(
            String workflow, int step, String tool, KeelException cause, List<String> recorded) {
        return new ToolLoopException(
                "the tool loop for " + workflow + " failed at step " + step + " in critical tool '" + tool + "': "
                        + cause.getMessage() + recordedNote(recorded),
                cause,
                cause.kind(),
                step,
                tool,
                recorded);
    }

    /** No final answer within {@code maxSteps}. */
    static ToolLoopException stepLimit(String workflow, int maxSteps, List<String> recorded) {
        return new ToolLoopException(
                "the tool loop for " + workflow + " reached its limit of " + maxSteps
                        + " steps without a final answer; raise maxSteps or check the tools' outputs"
                        + recordedNote(recorded),
                null,
                ErrorKind.INVALID_REQUEST,
                maxSteps,
                null,
                recorded);
    }

    private static String recordedNote(List<String> recorded) {
        return recorded.isEmpty()
                ? "; no tool had run"
                : "; already run and recorded, so a re-run replays them instead of running them again: "
                        + String.join(", ", recorded);
    }

    /** The step (from 1) at which the loop failed. */
    public int step() {
        return step;
    }

    /** The critical tool that failed, or null when the model call failed or the step limit was reached. */
    public String tool() {
        return tool;
    }

    /** The tool calls ({@code s<step>-<tool>-<n>}) whose results were recorded before the failure. */
    public List<String> recordedTools() {
        return recordedTools;
    }

    private ToolLoopException(KeelException.Builder b, int step, String tool, List<String> recordedTools) {
        super(b);
        this.step = step;
        this.tool = tool;
        this.recordedTools = recordedTools;
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public ToolLoopException withAttempts(int attempts) {
        return keepTrace(new ToolLoopException(toBuilder().attempts(attempts), step, tool, recordedTools));
    }
}
