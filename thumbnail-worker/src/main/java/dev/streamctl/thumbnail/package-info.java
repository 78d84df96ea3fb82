@NullMarked
package dev.streamctl.thumbnail;

import org.jspecify.annotations.NullMarked;
