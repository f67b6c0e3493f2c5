-- Displacement figures of each document's newest extraction, with their bounds,
-- their document and their section headline.
CREATE VIEW refugees_facts AS
SELECT *,
       estimate_low(figure, qualifier) AS estimate_low,
       estimate_high(figure, figure_high, qualifier) AS estimate_high
FROM newest_facts('refugees');
