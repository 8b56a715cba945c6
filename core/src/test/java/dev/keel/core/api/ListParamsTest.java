package dev.keel.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListParamsTest {

    @Test
    void fileQuery_allParameters_areEncodedInOrder() {
        var q = FileListParams.all()
                .withPurpose("batch")
                .withLimit(100)
                .withAfter("file-abc")
                .withOrder(FileListParams.Order.ASC)
                .query();
        assertThat(q).isEqualTo("?purpose=batch&limit=100&after=file-abc&order=asc");
    }

    @Test
    void fileQuery_none_isEmpty() {
        assertThat(FileListParams.all().query()).isEmpty();
    }

    @Test
    void fileQuery_reservedCharacters_arePercentEncoded() {
        assertThat(FileListParams.all().withPurpose("a b&c=d/é").query()).isEqualTo("?purpose=a%20b%26c%3Dd%2F%C3%A9");
    }

    @Test
    void fileLimit_outsideTheApiRange_isRefused() {
        assertThatThrownBy(() -> FileListParams.all().withLimit(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("files list limit must be 1 to 10000, got 0");
        assertThatThrownBy(() -> FileListParams.all().withLimit(10_001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blankCursor_isRefused() {
        assertThatThrownBy(() -> BatchListParams.all().withAfter(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after must not be blank");
    }

    @Test
    void batchQuery_limitAndAfter_andLimitOver100_isRefused() {
        assertThat(BatchListParams.all().withLimit(2).withAfter("batch_1").query())
                .isEqualTo("?limit=2&after=batch_1");
        assertThatThrownBy(() -> BatchListParams.all().withLimit(101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batches list limit must be 1 to 100, got 101");
    }
}
