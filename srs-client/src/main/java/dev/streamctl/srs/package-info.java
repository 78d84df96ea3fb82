@NullMarked
package dev.streamctl.srs;

import org.jspecify.annotations.NullMarked;
