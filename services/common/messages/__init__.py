"""iJw/iWmo message kernel: types, header, retourcodes, retour builder, XML helpers."""
