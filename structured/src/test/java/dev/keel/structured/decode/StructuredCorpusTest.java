package dev.keel.structured.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.structured.schema.Tickets;
import dev.keel.structured.tickets.TicketDecoders;
import org.junit.jupiter.api.Test;

/** The checked-in bad-case corpus decodes exactly as its manifest says, with typed and with JSON decoders. */
class StructuredCorpusTest {

    @Test
    void replay_ticketCorpus_withTheRecordDecoder_matchesEveryExpectation() {
        var corpus = CorpusReplay.load(Tickets.CORPUS);
        var report =
                CorpusReplay.replay(corpus, TicketDecoders.decoder(TicketDecoders.registry(), DecodeListener.NONE));
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.unlisted()).isEmpty();
        assertThat(report.rows()).hasSize(14);
        assertThat(report.distribution())
                .containsEntry(DecodeMode.STRICT, 1)
                .containsEntry(DecodeMode.COMPAT, 8)
                .containsEntry(DecodeMode.SUMMARY, 5);
    }

    @Test
    void replay_ticketCorpus_withTheJsonDecoderAndManifestDefaults_matchesToo() {
        var corpus = CorpusReplay.load(Tickets.CORPUS);
        var registry = SchemaRegistry.load(corpus.schemas(), false);
        var decoder = StructuredDecoder.forJson(registry, corpus.schema(), corpus.defaults());
        var report = CorpusReplay.replay(corpus, decoder);
        assertThat(report.mismatches()).isEmpty();
    }

    @Test
    void replay_aWrongExpectation_isReportedAsAMismatch() {
        var corpus = CorpusReplay.load(Tickets.CORPUS);
        var expect = new java.util.LinkedHashMap<>(corpus.expect());
        expect.put("strict-v2.txt", new CorpusReplay.Expectation(DecodeMode.COMPAT, null));
        var wrong = new CorpusReplay.Corpus(
                corpus.dir(),
                corpus.schema(),
                corpus.schemas(),
                corpus.version(),
                corpus.defaults(),
                expect,
                corpus.samples());
        var report = CorpusReplay.replay(wrong, TicketDecoders.decoder(TicketDecoders.registry(), DecodeListener.NONE));
        assertThat(report.mismatches()).extracting(CorpusReplay.Row::sample).containsExactly("strict-v2.txt");
    }
}
