"""brickgate."""
