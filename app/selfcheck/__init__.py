"""The self-check: the indicators, the owner's answers, the level chart and the advice drawn from them."""
