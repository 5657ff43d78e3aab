"""The contract catalogue: contract lines, agreements per gemeente x aanbieder, import, contractvoorwaarden."""
