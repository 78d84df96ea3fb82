@NullMarked
package dev.streamctl.thumbnail.capture.ffmpeg;

import org.jspecify.annotations.NullMarked;
