@NullMarked
package dev.streamctl.status.srs;

import org.jspecify.annotations.NullMarked;
