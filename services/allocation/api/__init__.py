"""JSON API of the allocation service: toewijzingen (case systems of gemeenten), verzoeken, termijnen."""
