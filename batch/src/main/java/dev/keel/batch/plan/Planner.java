package dev.keel.batch.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.History;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.PlanWriter;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.plan.LineCheck.Invalid;
import dev.keel.batch.plan.LineCheck.Valid;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.RequestTokens;
import dev.keel.core.cost.TokenUsage;
import dev.keel.wire.json.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Reads a JSONL input once, streaming: validates every line, counts its tokens, prices it, assigns
 * it to a chunk of its (url, model) group, writes the chunk files to the run folder and records
 * everything in the ledger in one transaction. Validating, counting and pricing — the costly,
 * per-line work — run on every core, {@value #BATCH_LINES} lines at a time; the reading thread
 * takes the results back in input order and does the rest (chunks, problems, ledger), so the
 * output and every problem's line number are those of a sequential read. Memory stays flat as the
 * input grows: lines are not kept beyond the few batches in flight, and duplicates are found by the
 * ledger's unique key. Not thread-safe; one plan at a time per instance.
 */
public final class Planner {

    /** How many problems a result lists (all of them go to {@code problems.txt} or {@code rejected.jsonl}). */
    public static final int MAX_LISTED_PROBLEMS = 50;

    private final PlanConfig config;
    private final PriceTable prices;
    private final Ledger ledger;
    private final Clock clock;
    private final LineValidator validator;
    private final RequestReuse reuse;

    /** The problem of an input without a single request line. */
    public static final String NO_REQUESTS = "the input has no requests: it is empty or only blank lines; put one"
            + " JSON request {custom_id, method, url, body} per line";

    /** How many changed requests a result lists (the rest are counted). */
    public static final int MAX_LISTED_CHANGES = 10;

    /** Lines handed to a worker thread at a time. */
    static final int BATCH_LINES = 512;

    /** Batches in flight per worker thread: enough to keep them busy, few enough to keep memory flat. */
    private static final int IN_FLIGHT_PER_WORKER = 4;

    public Planner(PlanConfig config, PriceTable prices, Ledger ledger, Clock clock) {
        this(config, prices, ledger, clock, RequestReuse.NONE);
    }

    private Planner(PlanConfig config, PriceTable prices, Ledger ledger, Clock clock, RequestReuse reuse) {
        this.config = config;
        this.prices = prices;
        this.ledger = ledger;
        this.clock = clock;
        this.validator = new LineValidator(config.maxLineBytes());
        this.reuse = reuse;
    }

    /** This planner answering requests from earlier runs as {@code reuse} says (see {@link RequestReuse}). */
    public Planner withReuse(RequestReuse reuse) {
        return new Planner(config, prices, ledger, clock, reuse);
    }

    /**
     * Plans {@code input} as the run its content names, with its files under {@code runDir} (see
     * {@link PlanOrResume} to resume a run the ledger already holds instead).
     *
     * @throws UncheckedIOException when the input cannot be read or the run folder written
     */
    public PlanResult plan(RunInput input, Path runDir) {
        return plan(input.file(), input.runId(), input.sha256(), runDir);
    }

    /**
     * Plans {@code input} as run {@code runId} with its files under {@code runDir}.
     *
     * @throws UncheckedIOException when the input cannot be read or the run folder written
     */
    public PlanResult plan(Path input, String runId, String sha256, Path runDir) {
        try {
            Files.createDirectories(runDir.resolve("chunks"));
            return new Session(input, runId, runDir).run(sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot plan " + input + ": " + e.getMessage(), e);
        }
    }

    /** The chunk file of {@code chunkNo} (round 0) or of a replay round. */
    public static String chunkFileName(String runId, int chunkNo, int round) {
        return String.format("%s-chunk-%04d%s.jsonl", runId, chunkNo, round == 0 ? "" : "-replay" + round);
    }

    private final class Session {
        final Path input;
        final String runId;
        final Path runDir;
        final String file;
        final Map<String, OpenChunk> open = new HashMap<>();
        final List<InputProblem> listed = new ArrayList<>();
        final List<InputProblem> changes = new ArrayList<>();
        final List<Path> written = new ArrayList<>();
        OutputStream problemsOut;
        OutputStream rejectedOut;
        int nextChunk = 1;
        int chunks;
        long lines;
        long items;
        long problems;
        long reused;
        long changed;
        long requestLines;
        long blankFrom;
        long blanks;
        long estIn;
        long estOut;
        BigDecimal batchUsd = BigDecimal.ZERO;
        BigDecimal syncUsd = BigDecimal.ZERO;
        final long now = clock.millis();

        Session(Path input, String runId, Path runDir) {
            this.input = input;
            this.runId = runId;
            this.runDir = runDir;
            this.file = input.toString();
        }

        PlanResult run(String sha256) throws IOException {
            boolean committed = false;
            // Holds no connection until a worker asks for its own, so nothing leaks if what follows fails.
            Lookups lookups = reuse.enabled() ? Lookups.ifHistory(ledger, runId) : null;
            int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "keel-plan-" + runId);
                t.setDaemon(true);
                return t;
            });
            try (var writer = PlanWriter.open(ledger, runId);
                    var reader = new LineReader(Files.newInputStream(input), config.maxLineBytes())) {
                var inFlight = new ArrayDeque<Future<List<Analysed>>>();
                var batch = new ArrayList<Read>(BATCH_LINES);
                long read = 0;
                for (byte[] raw; (raw = reader.next()) != null; ) {
                    read++;
                    long length = reader.lastLength();
                    batch.add(new Read(read, raw, length, blank(raw, length)));
                    if (batch.size() == BATCH_LINES) {
                        List<Read> full = batch;
                        inFlight.add(pool.submit(() -> analyse(full, lookups)));
                        batch = new ArrayList<>(BATCH_LINES);
                        while (inFlight.size() > workers * IN_FLIGHT_PER_WORKER) {
                            consume(writer, inFlight.poll());
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    List<Read> last = batch;
                    inFlight.add(pool.submit(() -> analyse(last, lookups)));
                }
                while (!inFlight.isEmpty()) {
                    consume(writer, inFlight.poll());
                }
                lines = read;
                if (requestLines == 0) {
                    problemAt(1, null, NO_REQUESTS, new byte[0]);
                }
                for (OpenChunk c : open.values()) {
                    close(writer, c);
                }
                closeProblemFiles();
                if (requestLines > 0 && (problems == 0 || config.skipInvalid())) {
                    writer.commit(new RunRecord(
                            runId,
                            now,
                            input.toAbsolutePath().toString(),
                            sha256,
                            runDir.toAbsolutePath().toString(),
                            configJson(),
                            dev.keel.batch.ledger.RunState.ACTIVE,
                            items + reused,
                            problems,
                            null));
                    committed = true;
                }
            } finally {
                pool.shutdownNow();
                if (lookups != null && stopped(pool)) {
                    lookups.close();
                }
                closeProblemFiles();
                if (!committed) {
                    for (Path p : written) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return new PlanResult(
                    runId,
                    committed,
                    lines,
                    items + reused,
                    List.copyOf(listed),
                    problems,
                    committed ? chunks : 0,
                    estIn,
                    estOut,
                    batchUsd,
                    syncUsd,
                    committed ? reused : 0,
                    List.copyOf(changes),
                    changed);
        }

        /** Whitespace only (blank lines at the end of a file are fine; one before a request is not). */
        boolean blank(byte[] raw, long length) {
            if (length != raw.length) {
                return false;
            }
            for (byte b : raw) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        void blankLinesBefore() throws IOException {
            for (long n = blankFrom; n < blankFrom + blanks; n++) {
                problemAt(n, null, "empty line: remove it (a JSONL file has one request per line)", new byte[0]);
            }
            blanks = 0;
        }

        /** The results of one batch of lines, in input order, on the reading thread. */
        void consume(PlanWriter writer, Future<List<Analysed>> done) throws IOException {
            List<Analysed> batch;
            try {
                batch = done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while planning " + input, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("cannot plan " + input + ": " + e.getCause(), e.getCause());
            }
            for (Analysed a : batch) {
                lines = a.lineNo();
                if (a.check() == null) {
                    blankFrom = blanks++ == 0 ? lines : blankFrom;
                    continue;
                }
                blankLinesBefore();
                requestLines++;
                switch (a.check()) {
                    case Invalid bad -> problem(bad.customId(), bad.reason(), a.raw());
                    case Valid ok -> accept(writer, ok, a.priced(), a.prior(), a.raw());
                }
            }
        }

        /**
         * Records a valid line: answered from an earlier run when {@code prior} (null: not looked up)
         * allows, else in a chunk.
         */
        void accept(PlanWriter writer, Valid ok, Priced priced, History.PriorRequest prior, byte[] raw)
                throws IOException {
            if (priced == null) {
                problem(
                        ok.customId(),
                        "model '" + ok.model() + "' has no price in the price table (as of " + prices.asOf()
                                + "); add it with --prices FILE",
                        raw);
                return;
            }
            byte[] line = ok.canonical();
            String text = priced.text();
            String hash = priced.hash();
            if (prior != null && reusedOrWarned(writer, prior, ok, text, hash, raw)) {
                return;
            }
            RequestTokens tokens = priced.tokens();
            int embedInputs = priced.embedInputs();
            String key = ok.url() + '\u0000' + ok.model();
            OpenChunk current = open.get(key);
            boolean fits = current != null && current.fits(line.length + 1L, embedInputs);
            int target = fits ? current.no : nextChunk;
            if (!writer.item(ok.customId(), lines, target, text, tokens.input(), tokens.outputBound(), now, hash)) {
                duplicate(writer, ok, raw);
                return;
            }
            if (!fits) {
                if (current != null) {
                    close(writer, current);
                }
                current = openChunk(ok.url(), ok.model());
                open.put(key, current);
            }
            current.add(line, embedInputs, tokens, priced.batchUsd());
            items++;
            estIn += tokens.input();
            estOut += tokens.outputBound();
            batchUsd = batchUsd.add(priced.batchUsd());
            syncUsd = syncUsd.add(priced.standardUsd());
        }

        void duplicate(PlanWriter writer, Valid ok, byte[] raw) throws IOException {
            problem(
                    ok.customId(),
                    "duplicate custom_id: first used at line " + writer.firstLine(ok.customId())
                            + "; every custom_id must be unique across the run",
                    raw);
        }

        /**
         * Answers the line from an earlier run when the same request succeeded there (true, also for a
         * duplicate); warns when the custom_id was used before with another request (false: submit).
         */
        boolean reusedOrWarned(
                PlanWriter writer, History.PriorRequest prior, Valid ok, String text, String hash, byte[] raw)
                throws IOException {
            if (prior.answeredIn() != null) {
                if (writer.reused(ok.customId(), lines, text, hash, prior.answeredIn(), now)) {
                    reused++;
                } else {
                    duplicate(writer, ok, raw);
                }
                return true;
            }
            if (prior.changedIn() != null) {
                changed++;
                if (changes.size() < MAX_LISTED_CHANGES) {
                    changes.add(new InputProblem(
                            file,
                            lines,
                            ok.customId(),
                            "run " + prior.changedIn() + " had this custom_id with a different request; it is"
                                    + " submitted again, not reused"));
                }
            }
            return false;
        }

        OpenChunk openChunk(String url, String model) throws IOException {
            int no = nextChunk++;
            String name = chunkFileName(runId, no, 0);
            Path path = runDir.resolve("chunks").resolve(name);
            written.add(path);
            return new OpenChunk(no, url, model, name, new BufferedOutputStream(Files.newOutputStream(path), 1 << 16));
        }

        void close(PlanWriter writer, OpenChunk c) throws IOException {
            c.out.close();
            writer.chunk(ChunkRecord.planned(
                    runId,
                    c.no,
                    0,
                    c.url,
                    c.model,
                    c.name,
                    c.items,
                    c.bytes,
                    c.estIn,
                    c.estOut,
                    c.cost.doubleValue(),
                    now));
            chunks++;
        }

        void problem(String customId, String reason, byte[] raw) throws IOException {
            problemAt(lines, customId, reason, raw);
        }

        void problemAt(long lineNo, String customId, String reason, byte[] raw) throws IOException {
            var p = new InputProblem(file, lineNo, customId, reason);
            problems++;
            if (listed.size() < MAX_LISTED_PROBLEMS) {
                listed.add(p);
            }
            if (problemsOut == null) {
                problemsOut = open("problems.txt");
                rejectedOut = config.skipInvalid() ? open("rejected.jsonl") : null;
            }
            problemsOut.write((p + "\n").getBytes(StandardCharsets.UTF_8));
            if (rejectedOut != null) {
                ObjectNode r = Json.object()
                        .put("line", lineNo)
                        .put("custom_id", customId)
                        .put("reason", reason);
                boolean whole = raw.length <= config.maxLineBytes();
                r.put(
                        whole ? "raw" : "raw_start",
                        new String(raw, 0, whole ? raw.length : Math.min(raw.length, 1024), StandardCharsets.UTF_8));
                rejectedOut.write((Json.write(r) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        OutputStream open(String name) throws IOException {
            Path p = runDir.resolve(name);
            return new BufferedOutputStream(Files.newOutputStream(p));
        }

        void closeProblemFiles() throws IOException {
            if (problemsOut != null) {
                problemsOut.close();
            }
            if (rejectedOut != null) {
                rejectedOut.close();
            }
        }

        String configJson() {
            return Json.write(Json.object()
                    .put("max_items", config.maxItems())
                    .put("max_chunk_bytes", config.maxChunkBytes())
                    .put("max_line_bytes", config.maxLineBytes())
                    .put("default_output_tokens", config.defaultOutputTokens())
                    .put("skip_invalid", config.skipInvalid()));
        }
    }

    /** A line as read: its number, its bytes (cut at the line limit), its full length, whether it is blank. */
    private record Read(long lineNo, byte[] raw, long length, boolean blank) {}

    /**
     * What the parallel stage made of a line: null {@code check} for a blank line; for a valid line
     * its check without the parsed body (only what the reading thread needs is kept) and, when its
     * model has a price, the figures and (when earlier runs were looked up) what they hold for it.
     */
    private record Analysed(long lineNo, byte[] raw, LineCheck check, Priced priced, History.PriorRequest prior) {
        Analysed(long lineNo, byte[] raw, LineCheck check, Priced priced) {
            this(lineNo, raw, check, priced, null);
        }

        Analysed withPrior(History.PriorRequest p) {
            return new Analysed(lineNo, raw, check, priced, p);
        }
    }

    /** A valid line's stored text, request hash, tokens and prices, computed off the reading thread. */
    private record Priced(
            String text,
            String hash,
            RequestTokens tokens,
            int embedInputs,
            BigDecimal batchUsd,
            BigDecimal standardUsd) {}

    /**
     * Validates, counts and prices {@code batch} on a worker thread, and looks up what earlier runs
     * hold for its priced lines in one query when {@code lookups} is not null; any thread may.
     */
    private List<Analysed> analyse(List<Read> batch, Lookups lookups) {
        var out = new ArrayList<Analysed>(batch.size());
        var ids = new ArrayList<String>(lookups == null ? 0 : batch.size());
        for (Read r : batch) {
            Analysed a = r.blank() ? new Analysed(r.lineNo(), r.raw(), null, null) : analyse(r);
            if (lookups != null && a.priced() != null && a.check() instanceof Valid ok) {
                ids.add(ok.customId());
            }
            out.add(a);
        }
        if (!ids.isEmpty()) {
            History.Priors priors = lookups.mine().priors(ids);
            out.replaceAll(a -> a.priced() != null && a.check() instanceof Valid ok
                    ? a.withPrior(priors.of(ok.customId(), a.priced().hash()))
                    : a);
        }
        return out;
    }

    /**
     * Waits up to a minute for the planning threads to stop, so no look-up is running when its
     * connection closes; false (the connections are then left to the collector) if they did not.
     */
    private static boolean stopped(ExecutorService pool) {
        try {
            return pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One look-up of earlier runs per planning thread (a connection is not shared between threads),
     * all closed with the plan.
     */
    private static final class Lookups implements AutoCloseable {
        private final Ledger ledger;
        private final String runId;
        private final ThreadLocal<History> mine = new ThreadLocal<>();
        private final Queue<History> opened = new ConcurrentLinkedQueue<>();

        private Lookups(Ledger ledger, String runId) {
            this.ledger = ledger;
            this.runId = runId;
        }

        /** Look-ups for a plan of {@code runId}, or null when the ledger holds no other run to look up. */
        static Lookups ifHistory(Ledger ledger, String runId) {
            try (History h = History.open(ledger, runId)) {
                return h.any() ? new Lookups(ledger, runId) : null;
            }
        }

        History mine() {
            History h = mine.get();
            if (h == null) {
                h = History.open(ledger, runId);
                mine.set(h);
                opened.add(h);
            }
            return h;
        }

        @Override
        public void close() {
            for (History h; (h = opened.poll()) != null; ) {
                h.close();
            }
        }
    }

    private Analysed analyse(Read r) {
        LineCheck check = validator.check(r.raw(), r.length());
        if (!(check instanceof Valid ok)) {
            return new Analysed(r.lineNo(), r.raw(), check, null);
        }
        Valid kept = new Valid(ok.customId(), ok.url(), ok.model(), null, ok.canonical());
        if (prices.find(ok.model()).isEmpty()) {
            return new Analysed(r.lineNo(), r.raw(), kept, null);
        }
        byte[] line = ok.canonical();
        var tokens = RequestTokens.of(ok.url(), ok.model(), ok.body(), config.defaultOutputTokens());
        int embedInputs = Endpoints.EMBEDDINGS.equals(ok.url()) ? RequestTokens.embeddingInputs(ok.body()) : 0;
        var usage = new TokenUsage(tokens.input(), 0, tokens.outputBound());
        var priced = new Priced(
                new String(line, StandardCharsets.UTF_8),
                reuse.hash(line),
                tokens,
                embedInputs,
                prices.cost(ok.model(), PriceTier.BATCH, usage),
                prices.cost(ok.model(), PriceTier.STANDARD, usage));
        return new Analysed(r.lineNo(), r.raw(), kept, priced);
    }

    private final class OpenChunk {
        final int no;
        final String url;
        final String model;
        final String name;
        final OutputStream out;
        int items;
        long bytes;
        int embedInputs;
        long estIn;
        long estOut;
        BigDecimal cost = BigDecimal.ZERO;

        OpenChunk(int no, String url, String model, String name, OutputStream out) {
            this.no = no;
            this.url = url;
            this.model = model;
            this.name = name;
            this.out = out;
        }

        boolean fits(long lineBytes, int inputs) {
            return items < config.maxItems()
                    && bytes + lineBytes <= config.maxChunkBytes()
                    && embedInputs + inputs <= PlanConfig.MAX_ITEMS_LIMIT;
        }

        void add(byte[] raw, int inputs, RequestTokens tokens, BigDecimal price) throws IOException {
            out.write(raw);
            out.write('\n');
            items++;
            bytes += raw.length + 1L;
            embedInputs += inputs;
            estIn += tokens.input();
            estOut += tokens.outputBound();
            cost = cost.add(price);
        }
    }
}
