package io.backupkit.core.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator over something read lazily (a file index, a directory tree): {@link #computeNext} works out one
 * element at a time, when {@link #hasNext} first asks for it.
 *
 * @param <T> the elements
 */
abstract class LookaheadIterator<T> implements Iterator<T> {
    private T next;

    /** The next element, or null when there are no more. */
    abstract T computeNext();

    @Override
    public final boolean hasNext() {
        if (next == null) {
            next = computeNext();
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T e = next;
        next = null;
        return e;
    }
}
