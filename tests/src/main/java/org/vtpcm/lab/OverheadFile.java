package org.vtpcm.lab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the figures need of an overhead.json: the run's identity and every sample. The file's other
 * fields are figures computed from the samples and are not read back.
 *
 * @param date ISO-8601 date of the run
 * @param commit the source commit
 * @param pairs counted rounds
 * @param memoryMib guest memory
 * @param samples every migration, warm-up included
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
record OverheadFile(String date, String commit, int pairs, int memoryMib, List<OverheadSampleJson> samples) {
    OverheadFile {
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    static OverheadFile read(Path file) throws IOException {
        ObjectMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        return json.readValue(file.toFile(), OverheadFile.class);
    }

    List<MigrationSample> migrationSamples() {
        return samples.stream().map(OverheadSampleJson::toSample).toList();
    }
}
