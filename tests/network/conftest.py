"""Fixtures of the toy reaction network (see network_toy.py)."""

import pytest
from network_toy import reactions_table, species_table


@pytest.fixture
def species():
    return species_table()


@pytest.fixture
def reactions():
    return reactions_table()
