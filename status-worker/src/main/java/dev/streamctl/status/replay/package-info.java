@NullMarked
package dev.streamctl.status.replay;

import org.jspecify.annotations.NullMarked;
