"""iJw/iWmo 3.2 message exchange platform: allocation, declaration and eligibility services."""
