"""Who fits whom: skills, suggested partners, circles, the pairing plan, and their wording."""
