import math

import pytest
from network_toy import C2H4, EC, ECR, F, NAF, PF6

from seinet.network import build_network, most_frequent_path, most_probable_path, species_projection


@pytest.fixture
def P(species, reactions):
    return species_projection(build_network(species, reactions))


def test_most_frequent_path_is_widest(P):
    # EC -> EC radical (12) -> C2H4 (5) has bottleneck 5; the direct EC -> C2H4 only 3
    labels, score = most_frequent_path(P, EC, C2H4)
    assert labels == [EC, ECR, C2H4] and score == 5


def test_most_probable_path_follows_branching(P):
    # direct: 3/15 = 0.2; via the radical: 12/15 * 5/50 = 0.08
    labels, score = most_probable_path(P, EC, C2H4)
    assert labels == [EC, C2H4] and score == pytest.approx(0.2)


def test_paths_through_aggregate(P):
    assert most_frequent_path(P, PF6, NAF) == ([PF6, F, NAF], 3.0)
    labels, score = most_probable_path(P, f"s:{PF6}", NAF)  # node ids accepted too
    assert labels == [PF6, F, NAF] and score == pytest.approx(1.0)


def test_trivial_path(P):
    assert most_frequent_path(P, EC, EC) == ([EC], math.inf)
    assert most_probable_path(P, EC, EC).score == 1.0


@pytest.mark.parametrize("query", [most_frequent_path, most_probable_path])
def test_no_path_is_a_clear_error(P, query):
    with pytest.raises(ValueError, match="no reaction path"):
        query(P, C2H4, EC)
    with pytest.raises(ValueError, match="not in the network"):
        query(P, "XYZ", EC)
