package org.vtpcm.engine.api;

import java.util.List;

/** Every failure's body. */
public record ApiError(String code, String message, List<String> details) {
}
