"""In-place writes that ordinary model code makes (found by the models audit):
``np.fill_diagonal`` / ``np.put`` / ``np.putmask`` / ``np.place`` on a traced
value raised ``NotImplementedError`` ("register it with dualad.primitive");
writing a traced value into a plain array (``y[1] = x[0]``, ``y[:] = ...``)
was explained as a bad *index*.  The contract asks for a ``TypeError`` saying
what to write instead."""
import numpy as np
import pytest

import dualad as ad


# --- in-place writers: a TypeError saying what to write ---------------------------------
@pytest.mark.parametrize("write, instead", [
    (lambda k, v: np.fill_diagonal(k, v), "index_update"),
    (lambda k, v: np.put(k, [0], v), "index_update"),
    (lambda k, v: np.putmask(k, k > 1, v), "where"),
    (lambda k, v: np.place(k, k > 1, [v]), "index_update"),
])
def test_in_place_writers_into_a_traced_array(write, instead):
    def f(x):
        k = np.outer(x, x)
        write(k, 0.0)
        return np.sum(k)
    with pytest.raises(TypeError, match=rf"immutable.*dualad\.numpy\.{instead}"):
        ad.grad(f)(np.array([1.0, 2.0]))
    assert ad.grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]


def test_fill_diagonal_of_a_traced_value_into_a_plain_array():
    def f(x):
        k = np.zeros((2, 2))
        np.fill_diagonal(k, x[0])
        return np.sum(k)
    with pytest.raises(TypeError, match=r"fill_diagonal.* writes into a plain numpy array.*"
                                        r"index_update"):
        ad.grad(f)(np.array([1.0, 2.0]))


def test_item_assignment_into_a_plain_array_names_index_update():
    def scalar_store(x):
        y = np.zeros(3)
        y[1] = x[0]
        return y.sum()

    def slice_store(x):
        y = np.empty_like(x)
        y[:] = x ** 2
        return y.sum()
    for f, shown in ((scalar_store, "`y[1]`"), (slice_store, "`y[:]`")):
        with pytest.raises(TypeError) as e:
            ad.grad(f)(np.array([1.0, 2.0, 3.0]))
        msg = str(e.value)
        assert shown in msg and "item assignment" in msg and "index_update" in msg
        assert "an index must be an integer" not in msg
