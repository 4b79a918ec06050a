package io.backupkit.core.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backupkit.api.BackupId;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson configuration for everything BackupKit stores as JSON. */
public final class Json {
    private static final ObjectMapper MAPPER = build(true);
    private static final ObjectMapper COMPACT = build(false);

    private Json() {
    }

    /** Pretty-printing mapper, for manifests people read. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Single-line mapper, for JSON-lines files. */
    public static ObjectMapper compact() {
        return COMPACT;
    }

    /**
     * {@code value} as pretty-printed JSON bytes, for the small records kept as storage objects (lease records,
     * slot markers). {@code what} names it in the error.
     */
    static byte[] bytes(Object value, String what) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + what + " " + value, e);
        }
    }

    private static ObjectMapper build(boolean pretty) {
        SimpleModule ids = new SimpleModule("backupkit-ids");
        ids.addSerializer(BackupId.class, new JsonSerializer<>() {
            @Override
            public void serialize(BackupId value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.value());
            }
        });
        ids.addDeserializer(BackupId.class, new JsonDeserializer<>() {
            @Override
            public BackupId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return BackupId.of(p.getValueAsString());
            }
        });
        JsonMapper.Builder b = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(ids)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .serializationInclusion(JsonInclude.Include.NON_ABSENT);
        if (pretty) {
            b.enable(SerializationFeature.INDENT_OUTPUT);
        }
        return b.build();
    }
}
