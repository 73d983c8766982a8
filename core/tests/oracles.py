"""Outside references written out for the tests, independent of the code under test."""

# GB 11643-1999, 6.2: weights W_i = 2^(i-1) mod 11 for positions 18..2, and the check
# character by the weighted sum mod 11.
GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB11643_CHECK_TABLE = "10X98765432"


def gb11643_check_character(body: str) -> str:
    """The check character of a 17-digit body by the standard's formula."""
    total = sum(int(digit) * weight for digit, weight in zip(body, GB11643_WEIGHTS, strict=True))
    return GB11643_CHECK_TABLE[total % 11]
