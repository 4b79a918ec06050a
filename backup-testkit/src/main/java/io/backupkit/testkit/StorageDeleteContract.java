package io.backupkit.testkit;

import static io.backupkit.testkit.ContractBytes.bytes;
import static io.backupkit.testkit.ContractBytes.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BlobNotFoundException;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link StorageProviderContract storage contract}. Delete: removes exactly the object; twice, of a
 * missing key or of a key that is only a prefix succeeds and deletes nothing else; a folder emptied by deletes takes
 * new objects.
 */
public interface StorageDeleteContract extends StorageContractFixture {

    @Test
    default void deleteRemovesTheObject() {
        put("del/object", bytes("bye"));
        put("del/other", bytes("stay"));
        storage().delete("del/object");
        assertThat(storage().stat("del/object")).isEmpty();
        assertThatThrownBy(() -> storage().get("del/object")).isInstanceOf(BlobNotFoundException.class);
        assertThat(listKeys("del/")).containsExactly("del/other");
        assertThat(readAll(storage().get("del/other"))).isEqualTo(bytes("stay"));
    }

    @Test
    default void deleteTwiceSucceeds() {
        put("del/object", bytes("bye"));
        storage().delete("del/object");
        assertThatCode(() -> storage().delete("del/object")).doesNotThrowAnyException();
        assertThat(storage().stat("del/object")).isEmpty();
    }

    @Test
    default void deleteOfMissingKeySucceeds() {
        assertThatCode(() -> storage().delete("never/existed")).doesNotThrowAnyException();
        assertThat(listKeys("")).isEmpty();
    }

    @Test
    default void deleteOfAKeyThatIsOnlyAPrefixDeletesNothing() {
        put("tree/leaf", bytes("leaf"));
        storage().delete("tree");
        storage().delete("tre");
        assertThat(listKeys("")).containsExactly("tree/leaf");
        assertThat(readAll(storage().get("tree/leaf"))).isEqualTo(bytes("leaf"));
    }

    @Test
    default void putAfterDeleteOfTheLastObjectInAFolderWorks() {
        put("x/y/z/one", bytes("1"));
        storage().delete("x/y/z/one");
        assertThat(listKeys("x/")).isEmpty();
        put("x/y/z/two", bytes("2"));
        put("x/y/three", bytes("3"));
        assertThat(listKeys("x/")).containsExactlyInAnyOrder("x/y/z/two", "x/y/three");
    }
}
