package io.backupkit.jdbc.internal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.backupkit.api.IntegrityException;
import io.backupkit.api.UnsupportedBackupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes {@link SchemaModel} as JSON ({@code db/schema.json}). Jackson maps the records by their
 * components only (no getter detection), so helper methods never leak into the file. Unknown properties are
 * ignored (a newer minor writer may add some); a newer {@code format} is refused.
 */
public final class SchemaJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.INDENT_OUTPUT, true)
            .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)
            .build();

    private SchemaJson() {
    }

    public static void write(SchemaModel model, OutputStream out) throws IOException {
        MAPPER.writeValue(out, model);
    }

    public static String toJson(SchemaModel model) {
        try {
            return MAPPER.writeValueAsString(model);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the schema model", e);
        }
    }

    /** Reads a model; a malformed file is an {@link IntegrityException}, a newer format an {@link UnsupportedBackupException}. */
    public static SchemaModel read(InputStream in) throws IOException {
        SchemaModel model;
        try {
            model = MAPPER.readValue(in, SchemaModel.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IntegrityException("the backup's schema.json is not a valid schema model: " + e.getOriginalMessage(), e);
        }
        if (model.format() > SchemaModel.FORMAT) {
            throw new UnsupportedBackupException("the backup's schema model has format " + model.format()
                    + " but this BackupKit reads up to " + SchemaModel.FORMAT + ": upgrade backup-jdbc");
        }
        return model;
    }

    public static SchemaModel fromJson(String json) {
        try {
            return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
