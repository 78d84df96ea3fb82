@NullMarked
package dev.streamctl.common.directory;

import org.jspecify.annotations.NullMarked;
